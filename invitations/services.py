"""Writing letters: a new letter starts from its session's co-facilitators as signatories; edits of a letter, its
language versions and its signatories (the admin saves them here) on the audit trail with the fields before ->
after; frozen revisions for dispatches; signature images set by co-facilitators."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit import trail
from compact_portal import permissions
from invitations.images import validate_signature_image
from invitations.models import (
    LANGUAGE_NAMES,
    TEXT_FIELDS,
    Letter,
    LetterRevision,
    LetterVersion,
    Signatory,
    SignatureChange,
)
from sessions.models import ThematicSession


@transaction.atomic
def letter_create(*, session: ThematicSession, **fields) -> Letter:
    """Creates a letter (fields as on Letter) signed by the session's co-facilitators, in their order."""
    letter = Letter(session=session, **fields)
    letter.full_clean()
    letter.save()
    letter_add_default_signatories(letter=letter)
    return letter


@transaction.atomic
def letter_add_default_signatories(*, letter: Letter) -> list[Signatory]:
    """Adds the session's co-facilitators, in their order, as the signatories of a saved `letter` (the admin calls
    this for a new letter saved without signatories).

    Each signatory's letterhead starts as the co-facilitator's mission; the secretariat edits it afterwards
    (Switzerland's, for one, is in four languages).
    """
    signatories = []
    for order, link in enumerate(letter.session.co_facilitator_links.select_related("person")):
        person = link.person
        signatory = Signatory(
            letter=letter, order=order, name=person.full_name, title=person.title, letterhead=person.affiliation.upper()
        )
        signatory.full_clean()
        signatory.save()
        signatories.append(signatory)
    return signatories


# --- Edits (the admin's forms), on the audit trail -------------------------------------------------------------------

LETTER_FIELDS = ("session", "kind", "language", *TEXT_FIELDS)
VERSION_FIELDS = ("language", *TEXT_FIELDS, "signatory_titles")
SIGNATORY_FIELDS = ("order", "name", "title", "letterhead", "emblem")
EDIT_PERMISSION = "invitations.change_letter"


def _require_may_edit(by) -> None:
    """`by` None: an operator at the command line (the demo loader)."""
    if by is not None and not permissions.has_staff_power(by, EDIT_PERMISSION):
        raise PermissionDenied("Only the secretariat and co-facilitators edit letters.")


def _with_line_feeds(obj, fields) -> None:
    """A browser sends a textarea's line breaks as CRLF: stored as LF, so that saving a page unchanged changes
    nothing (no edit on the trail, no new revision at the next dispatch) and blank lines are found by the text."""
    for field in fields:
        value = getattr(obj, field)
        if isinstance(value, str) and "\r" in value:
            setattr(obj, field, value.replace("\r\n", "\n").replace("\r", "\n"))


def _attachment_names(letter: Letter) -> list[str]:
    return sorted(str(document) for document in letter.attachments.all())


@transaction.atomic
def letter_save(*, letter: Letter, by, attachments=None, reason: str = "") -> Letter:
    """Saves a letter written or edited (the admin's form: fields already validated), and its attachments if given;
    records the fields that changed, before -> after."""
    _require_may_edit(by)
    created = letter.pk is None
    before = trail.stored_values(letter, LETTER_FIELDS)
    _with_line_feeds(letter, TEXT_FIELDS)
    if not created:
        before["attachments"] = _attachment_names(Letter.objects.get(pk=letter.pk))
    letter.save()
    if attachments is not None:
        letter.attachments.set(attachments)
    after = {**trail.field_values(letter, LETTER_FIELDS), "attachments": _attachment_names(letter)}
    action = "letter create" if created else "letter edit"
    trail.record_changes(actor=by, action=action, obj=letter, before=before, after=after, reason=reason)
    return letter


def _part_label(part: LetterVersion | Signatory) -> str:
    if isinstance(part, LetterVersion):
        return f"{LANGUAGE_NAMES.get(part.language, part.language)} version"
    return f"signatory {part.name}"


_PARTS = {LetterVersion: ("letter version", VERSION_FIELDS), Signatory: ("signatory", SIGNATORY_FIELDS)}


def _record_part(part: LetterVersion | Signatory, *, action: str, by, before: dict, after: dict, reason: str) -> None:
    """On the letter's trail (its admin page shows it), naming the version or signatory changed."""
    trail.record_changes(
        actor=by,
        action=action,
        obj=part.letter,
        object_repr=f"{part.letter}: {_part_label(part)}",
        before=before,
        after=after,
        reason=reason,
    )


@transaction.atomic
def letter_part_save(*, part: LetterVersion | Signatory, by, reason: str = "") -> LetterVersion | Signatory:
    """Saves a language version or a signatory of a letter (validated by the admin's inline form, or by the
    caller); records the fields that changed on the letter's trail (its admin page shows them)."""
    _require_may_edit(by)
    noun, fields = _PARTS[type(part)]
    created = part.pk is None
    before = trail.stored_values(part, fields)
    _with_line_feeds(part, fields)
    part.save()
    action = f"{noun} {'add' if created else 'edit'}"
    _record_part(part, action=action, by=by, before=before, after=trail.field_values(part, fields), reason=reason)
    return part


@transaction.atomic
def letter_part_delete(*, part: LetterVersion | Signatory, by, reason: str = "") -> None:
    _require_may_edit(by)
    noun, fields = _PARTS[type(part)]
    before = trail.stored_values(part, fields)
    _record_part(part, action=f"{noun} delete", by=by, before=before, after={}, reason=reason)
    part.delete()


# --- Frozen revisions ----------------------------------------------------------------------------------------------


def letter_revision_for(*, letter: Letter, language: str) -> LetterRevision:
    """The frozen revision of `letter`'s text in `language` (or its main language, where it has no version) as it
    is now: the existing one if nothing changed since, a new one (the next number) otherwise. Called by a
    dispatch inside its transaction, so each delivery is pinned to exactly what it sends."""
    from invitations.rendering import letter_content

    content = letter_content(letter, language=language)
    digest = LetterRevision.digest_of(content)
    existing = LetterRevision.objects.filter(letter=letter, digest=digest).first()
    if existing is not None:
        return existing
    with transaction.atomic():  # the dispatch's transaction, or its own for any other caller
        # Lock the letter's row: two dispatches at once must not take the same number.
        Letter.objects.select_for_update().filter(pk=letter.pk).first()
        last = LetterRevision.objects.filter(letter=letter).order_by("-number").values_list("number", flat=True)
        revision, _ = LetterRevision.objects.get_or_create(
            letter=letter,
            digest=digest,
            defaults={"language": content["language"], "number": (last.first() or 0) + 1, "content": content},
        )
    return revision


def letter_is_sent(letter: Letter) -> bool:
    return letter.deliveries.exists()


# --- Signatures ----------------------------------------------------------------------------------------------------


@transaction.atomic
def signatory_set_signature(*, signatory: Signatory, image, by, reason: str = "") -> Signatory:
    """Sets (or, with `image` None, removes) a signatory's signature image, recording who and when.

    Only co-facilitators (who may send letters) set signatures; `by` None is an operator at the command line (the
    demo loader). The old file is kept: revisions already sent
    refer to it by name, and a retry must render the signature the letter was sent with."""
    if by is not None and not permissions.is_cofacilitator(by):
        raise PermissionDenied("Only co-facilitators may set the signatories' signatures.")
    before = trail.stored_values(signatory, ["signature"])
    if image is None:
        signatory.signature = ""
        action = "removed"
    else:
        validate_signature_image(image)
        signatory.signature.save(image.name.rsplit("/", 1)[-1], image, save=False)
        action = "set"
    signatory.save(update_fields=["signature"])
    SignatureChange.objects.create(signatory=signatory, by=by, action=action, file_name=signatory.signature.name)
    after = trail.field_values(signatory, ["signature"])
    _record_part(signatory, action=f"signature {action}", by=by, before=before, after=after, reason=reason)
    return signatory
