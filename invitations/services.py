"""Writing letters: a new letter starts from its session's co-facilitators as signatories; frozen revisions for
dispatches; signature images set by co-facilitators."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from compact_portal import permissions
from invitations.images import validate_signature_image
from invitations.models import Letter, LetterRevision, Signatory, SignatureChange
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
    # Lock the letter's row: two dispatches at once must not take the same number.
    Letter.objects.select_for_update().filter(pk=letter.pk).first()
    last = LetterRevision.objects.filter(letter=letter).order_by("-number").values_list("number", flat=True).first()
    revision, _ = LetterRevision.objects.get_or_create(
        letter=letter,
        digest=digest,
        defaults={"language": content["language"], "number": (last or 0) + 1, "content": content},
    )
    return revision


def letter_is_sent(letter: Letter) -> bool:
    return letter.deliveries.exists()


# --- Signatures ----------------------------------------------------------------------------------------------------


@transaction.atomic
def signatory_set_signature(*, signatory: Signatory, image, by) -> Signatory:
    """Sets (or, with `image` None, removes) a signatory's signature image, recording who and when.

    Only co-facilitators (who may send letters) set signatures; `by` None is an operator at the command line (the
    demo loader). The old file is kept: revisions already sent
    refer to it by name, and a retry must render the signature the letter was sent with."""
    if by is not None and not permissions.is_cofacilitator(by):
        raise PermissionDenied("Only co-facilitators may set the signatories' signatures.")
    if image is None:
        signatory.signature = ""
        action = "removed"
    else:
        validate_signature_image(image)
        signatory.signature.save(image.name.rsplit("/", 1)[-1], image, save=False)
        action = "set"
    signatory.save(update_fields=["signature"])
    SignatureChange.objects.create(signatory=signatory, by=by, action=action, file_name=signatory.signature.name)
    return signatory
