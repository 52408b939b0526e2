"""Letters, their language versions, signatories and attachments; the frozen revisions that deliveries are pinned to;
dispatches of a letter to an audience, one delivery per address.

A letter is written in its main language (`Letter.language`, also the fallback for missions whose language has no
version) and may have a version in each other official language (`LetterVersion`). What a delivery sends is never
the editable letter: a dispatch freezes each language's text, signatories and images into a `LetterRevision`
(content-addressed: the same text makes the same revision), and the delivery renders that revision, so a retry or a
re-send renders what was sent first, whatever was edited since.
"""

import hashlib
import json
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower

from invitations.images import validate_emblem, validate_signature_image
from invitations.placeholders import unknown_placeholders
from outbox.models import OutgoingMail
from registrations.models import PermanentMission
from registrations.storage import private_storage
from sessions.models import SessionDocument, ThematicSession

# A body of ~20,000 characters is four or five pages: far more than any letter. A 1.8 MB body once rendered 645 pages
# in 91 s (issue 10); the limit is checked when the letter is saved, with a message that says so.
BODY_MAX_CHARS = 20_000
# The official languages by their English names: the admin is in English.
LANGUAGE_NAMES = {
    "ar": "Arabic", "zh-hans": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish",
}  # fmt: skip
TEXT_FIELDS = ("place_date", "subject", "salutation", "body", "closing", "addressee")


def validate_body_length(value: str) -> None:
    if len(value or "") > BODY_MAX_CHARS:
        raise ValidationError(
            f"The body has {len(value):,} characters; a letter's body may have at most {BODY_MAX_CHARS:,}. "
            "Send a long text as an attached session document."
        )


def _placeholder_errors(obj) -> dict[str, str]:
    return {
        field: f"Unknown placeholder{'s' if len(names) > 1 else ''}: {', '.join(names)}. "
        f"Use one of the placeholders listed under the body."
        for field in TEXT_FIELDS
        if (names := unknown_placeholders(getattr(obj, field)))
    }


class LetterQuerySet(models.QuerySet):
    def originals(self):
        """The letters the secretariat wrote, without the copy of the reminder letter each reminder round makes and
        sends (invitations/reminders.py): lists of letters show these; a round's copy is reached from its round."""
        return self.exclude(pk__in=ReminderRound.objects.exclude(letter=None).values("letter"))


class Letter(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder"
        INFORMATION = "information", "Information"

    session = models.ForeignKey(ThematicSession, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVITATION)
    language = models.CharField(
        "main language",
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language of the text below; missions whose language has no version get this one.",
    )
    place_date = models.CharField("place and date line", max_length=200, help_text="e.g. New York, 11 September 2017")
    subject = models.CharField(max_length=300, help_text="Subject of the e-mail that carries the letter.")
    salutation = models.CharField(max_length=100, default="Excellency,")
    body = models.TextField(
        validators=[validate_body_length],
        help_text="Paragraphs separated by a blank line. *Emphasis*, **bold**, links and lists are allowed; "
        "placeholders such as {{ mission_name }} or {{ session_title }} are filled in for each recipient.",
    )
    closing = models.CharField(
        "complimentary close",
        max_length=300,
        default="Please accept, Excellency, the assurances of our highest consideration.",
    )
    addressee = models.TextField(
        "addressee lines",
        default="Permanent Missions\nto the United Nations\nNEW YORK",
        help_text="At the foot of the letter.",
    )
    attachments = models.ManyToManyField(SessionDocument, blank=True, related_name="letters")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["session", "kind", "language"]
        permissions = [("send_letter", "Can send a letter to its recipients")]

    def __str__(self):
        return f"{self.session.code} {self.get_kind_display().lower()} ({self.language})"

    def clean(self):
        if errors := _placeholder_errors(self):
            raise ValidationError(errors)

    @property
    def languages(self) -> list[str]:
        """The main language first, then the versions' languages."""
        others = [v.language for v in self.versions.all() if v.language != self.language] if self.pk else []
        return [self.language, *others]

    def version_for(self, language: str):
        """The text in `language`: the main text (the letter itself) or a LetterVersion; None if there is none."""
        if language == self.language:
            return self
        if self.pk is None:
            return None
        return next((v for v in self.versions.all() if v.language == language), None)

    def language_for(self, wanted: str) -> str:
        """The language a recipient who reads `wanted` gets: that version if it exists, else the main language."""
        return wanted if self.version_for(wanted) is not None else self.language


class LetterVersion(models.Model):
    """The letter in another official language: the same fields as the letter's main text, and the signatories'
    title lines in this language (their letterheads are the missions' own and do not change)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    place_date = models.CharField("place and date line", max_length=200)
    subject = models.CharField(max_length=300)
    salutation = models.CharField(max_length=100)
    body = models.TextField(validators=[validate_body_length])
    closing = models.CharField("complimentary close", max_length=300)
    addressee = models.TextField("addressee lines")
    signatory_titles = models.TextField(
        blank=True,
        help_text="Each signatory's title lines in this language, in the signatories' order, separated by a blank "
        "line. Empty: the titles of the main text.",
    )

    class Meta:
        ordering = ["letter", "language"]
        constraints = [models.UniqueConstraint(fields=["letter", "language"], name="letter_version_once_per_language")]

    def __str__(self):
        return f"{self.letter} in {self.language}"

    def clean(self):
        errors = _placeholder_errors(self)
        if self.letter_id and self.language == self.letter.language:
            errors["language"] = "The letter's main text is already in this language."
        if errors:
            raise ValidationError(errors)

    def titles(self) -> list[str]:
        """One block of title lines per signatory. A browser sends a textarea's line breaks as CRLF, so the blank
        line between two blocks is looked for whatever the line endings (and a line of spaces counts as blank)."""
        lines = "\n".join(line.strip() for line in self.signatory_titles.splitlines())
        return [block.strip() for block in lines.split("\n\n") if block.strip()]


def emblem_path(instance, filename):
    return f"letters/emblems/{uuid.uuid4().hex}/{filename.rsplit('/', 1)[-1]}"


def signature_path(instance, filename):
    # A new name per upload: a revision made before a change keeps rendering the signature it was sent with.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"signatures/{uuid.uuid4().hex}.{extension}"


class Signatory(models.Model):
    """One co-signer: the signature block, and the letterhead of the mission that signs."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="signatories")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    title = models.TextField(help_text="Title lines under the name, one per line.")
    letterhead = models.TextField(
        blank=True, help_text="The mission's heading lines, one per line (may be multilingual)."
    )
    emblem = models.FileField(
        upload_to=emblem_path,
        blank=True,
        max_length=200,
        validators=[validate_emblem],
        help_text="The mission's emblem or coat of arms, above the heading lines: PNG or SVG, at most 512 KB.",
    )
    # Private: never served by URL, read only when a letter is rendered. Changed only through
    # services.signatory_set_signature, which records who changed it and when (SignatureChange).
    signature = models.FileField(
        storage=private_storage,
        upload_to=signature_path,
        blank=True,
        max_length=200,
        validators=[validate_signature_image],
        help_text="The signature as an image (PNG, at most 512 KB), uploaded by a co-facilitator.",
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "signatories"

    def __str__(self):
        return self.name


class SignatureChange(models.Model):
    """Who set or removed a signatory's signature image, and when."""

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="signature_changes")
    # Empty when an operator set it from the command line (the demo loader).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=10, choices=[("set", "Set"), ("removed", "Removed")])
    file_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.signatory}: signature {self.action} by {self.by or 'an operator'} at {self.at:%Y-%m-%d %H:%M}"


class LetterRevision(models.Model):
    """One language's text of a letter as it was sent, frozen: deliveries render it, never the editable letter.

    `content` holds everything the PDF and the e-mail need (fields, signatories with their image files,
    attachment ids); `digest` is its hash, so dispatching an unchanged letter again reuses the revision.
    Rows are written once (save refuses changes) and image files are never overwritten (each upload gets a new
    name), so a retry months later renders the same letter."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="revisions")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField()
    content = models.JSONField()
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["letter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="letter_revision_number_once"),
            models.UniqueConstraint(fields=["letter", "digest"], name="letter_revision_content_once"),
        ]

    def __str__(self):
        return f"{self.letter}, revision {self.number} ({self.language})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A letter's revision is frozen: it cannot be changed once made.")
        super().save(*args, **kwargs)

    @staticmethod
    def digest_of(content: dict) -> str:
        return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class Dispatch(models.Model):
    """A letter sent to an audience in one go. `key` makes the send form idempotent (a double click sends once)."""

    class Audience(models.TextChoices):
        MEMBER_STATES = "member-states", "All Member States' missions"
        OBSERVER_STATES = "observer-states", "The Observer States' missions"
        ALL_STATES = "all", "All Member and Observer States' missions"
        STAKEHOLDERS = "stakeholders", "Accredited stakeholder organizations"
        DELEGATES = "delegates", "Delegates of the session's approved registrations"
        CSV = "csv", "An uploaded list (CSV)"
        MISSIONS_WITHOUT_ANSWER = "no-answer", "Missions that have neither registered nor declined"
        STAKEHOLDERS_WITHOUT_APPLICATION = "no-application", "Accredited organizations that have not applied"

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="dispatches")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty when an operator sent it from the command line (manage.py send_invitations).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    already_sent = models.PositiveIntegerField(default=0, help_text="Addresses left out: they had this letter already.")
    without_email = models.TextField(blank=True, help_text="Recipients left out for want of an address, one per line.")
    # Kept with the data (the desk and the dispatch's page read them instead of counting 20,000 deliveries): set when
    # the dispatch is made (delivery_count) and changed by the outbox's status changes of its mails, in the same
    # transaction (invitations.dispatch.delivery_counts_change); dispatch_recount counts them again.
    delivery_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0, help_text="Deliveries whose mail is sent.")
    failed_count = models.PositiveIntegerField(default=0, help_text="Deliveries whose mail failed.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "dispatches"

    def __str__(self):
        return f"{self.letter} to {self.audience_in_sentence} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def audience_in_sentence(self) -> str:
        return self.audience_label_in_sentence(self.audience)

    @classmethod
    def audience_label_in_sentence(cls, audience: str) -> str:
        """The audience after "to": "all Member States' missions", "an uploaded list (CSV)" (proper nouns kept)."""
        label = str(cls.Audience(audience).label)
        return label[:1].lower() + label[1:]


class Delivery(models.Model):
    """One letter, with its own PDF, to one address: what the letter is (dispatch, pinned revision, recipient and
    placeholder values). Its sending is its outgoing mail's (`mail`, outbox.OutgoingMail with renderer
    "invitations.delivery"): the outbox claims, renders, sends, retries and sweeps it like any other mail, and its
    list shows it with the rest."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="deliveries")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    # The frozen text this delivery sends, in the recipient's language. Always set: deliveries made before revisions
    # existed were pinned to their letter's text as it was then (migration 0007).
    revision = models.ForeignKey(LetterRevision, on_delete=models.PROTECT, related_name="deliveries")
    mission = models.ForeignKey(PermanentMission, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    email = models.EmailField()
    recipient_name = models.CharField(max_length=300)
    recipient_code = models.CharField(max_length=40, help_text="For the file name: the State's ISO code, or a slug.")
    # Placeholder values as they were when the dispatch was made: every retry renders the same letter.
    values = models.JSONField(default=dict)
    mail = models.OneToOneField(OutgoingMail, on_delete=models.PROTECT, related_name="delivery")
    queued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recipient_name", "email"]
        verbose_name_plural = "deliveries"
        constraints = [
            # Addresses compare without regard to case (PM.MEX@… is pm.mex@…): they are stored lower-cased and the
            # constraints hold on the lower-cased address as well, whatever wrote the row.
            models.UniqueConstraint(F("dispatch"), Lower("email"), name="delivery_once_per_dispatch_and_address"),
            # Never twice: one address gets a letter once, whichever dispatch it was in.
            models.UniqueConstraint(F("letter"), Lower("email"), name="delivery_once_per_letter_and_address"),
        ]
        indexes = [
            # A dispatch's page lists its deliveries in this order, 100 at a time: read from the index, not a sort
            # of the 20,000 of a COP's reminder for each page.
            models.Index(fields=["dispatch", "recipient_name", "email"], name="delivery_dispatch_in_order"),
        ]

    def __str__(self):
        return f"{self.recipient_name} <{self.email}>"


# Reminders (invitations/reminders.py): their schedule per session and each round sent.
from invitations.reminder_models import ReminderRound, ReminderSchedule  # noqa: E402, F401
