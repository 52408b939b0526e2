"""Letters, their signatories and attachments; dispatches of a letter to an audience, one delivery per address."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from invitations.placeholders import unknown_placeholders
from registrations.models import PermanentMission
from sessions.models import SessionDocument, ThematicSession


class Letter(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder"
        INFORMATION = "information", "Information"

    session = models.ForeignKey(ThematicSession, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVITATION)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    place_date = models.CharField("place and date line", max_length=200, help_text="e.g. New York, 11 September 2017")
    subject = models.CharField(max_length=300, help_text="Subject of the e-mail that carries the letter.")
    salutation = models.CharField(max_length=100, default="Excellency,")
    body = models.TextField(
        help_text="Paragraphs separated by a blank line. *Emphasis*, **bold**, links and lists are allowed; "
        "placeholders such as {{ mission_name }} or {{ session_title }} are filled in for each recipient."
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

    class Meta:
        ordering = ["session", "kind", "language"]
        permissions = [("send_letter", "Can send a letter to its recipients")]

    def __str__(self):
        return f"{self.session.code} {self.get_kind_display().lower()} ({self.language})"

    def clean(self):
        errors = {
            field: f"Unknown placeholder{'s' if len(names) > 1 else ''}: {', '.join(names)}. "
            f"Use one of the placeholders listed under the body."
            for field in ("subject", "body", "place_date", "salutation", "closing", "addressee")
            if (names := unknown_placeholders(getattr(self, field)))
        }
        if errors:
            raise ValidationError(errors)


class Signatory(models.Model):
    """One co-signer: the signature block, and the letterhead of the mission that signs."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="signatories")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    title = models.TextField(help_text="Title lines under the name, one per line.")
    letterhead = models.TextField(
        blank=True, help_text="The mission's heading lines, one per line (may be multilingual)."
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "signatories"

    def __str__(self):
        return self.name


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

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "dispatches"

    def __str__(self):
        return f"{self.letter} to {self.get_audience_display().lower()} ({self.created_at:%Y-%m-%d %H:%M})"


class Delivery(models.Model):
    """One e-mail with its own PDF to one address. The row, not the broker, decides whether it is sent."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    PENDING = (Status.QUEUED, Status.SENDING, Status.RETRYING)

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="deliveries")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    mission = models.ForeignKey(PermanentMission, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    email = models.EmailField()
    recipient_name = models.CharField(max_length=300)
    recipient_code = models.CharField(max_length=40, help_text="For the file name: the State's ISO code, or a slug.")
    # Placeholder values as they were when the dispatch was made: every retry renders the same letter.
    values = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True, help_text="The server's reply to the last failed attempt.")
    queued_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="Last time a task was put on the broker.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(
        max_length=255, blank=True, help_text="The worker process (host:pid) sending it; see outbox.workers."
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recipient_name", "email"]
        verbose_name_plural = "deliveries"
        constraints = [
            # Addresses compare without regard to case (PM.MEX@… is pm.mex@…): they are stored lower-cased and the
            # constraints hold on the lower-cased address as well, whatever wrote the row.
            models.UniqueConstraint(F("dispatch"), Lower("email"), name="delivery_once_per_dispatch_and_address"),
            # Never twice: one address gets a letter once, whichever dispatch it was in.
            models.UniqueConstraint(F("letter"), Lower("email"), name="delivery_once_per_letter_and_address"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="delivery_sent_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="delivery_status_claimed")]

    def __str__(self):
        return f"{self.recipient_name} <{self.email}>: {self.get_status_display()}"


# Reminders (invitations/reminders.py): their schedule per session and each round sent.
from invitations.reminder_models import ReminderRound, ReminderSchedule  # noqa: E402, F401
