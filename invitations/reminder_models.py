"""Reminders: a session's schedule (how many days before each deadline) and each round sent, once."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from sessions.models import ThematicSession

DEFAULT_DAYS = "7,2"


def days_list(value: str) -> list[int]:
    """ "7,2" -> [7, 2] (largest first); blanks and junk ignored."""
    return sorted({int(part) for part in (value or "").replace(" ", "").split(",") if part.isdigit()}, reverse=True)


class ReminderSchedule(models.Model):
    """When a session's reminders go. Without a schedule, missions are reminded 7 and 2 days before the registration
    deadline with the session's reminder letter, and stakeholder organizations are not reminded."""

    session = models.OneToOneField(ThematicSession, on_delete=models.CASCADE, related_name="reminder_schedule")
    mission_letter = models.ForeignKey(
        "invitations.Letter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Sent to the missions that have neither registered nor said they will not attend. "
        "Empty: the session's first reminder letter.",
    )
    mission_days = models.CharField(
        "days before the registration deadline", max_length=40, default=DEFAULT_DAYS, blank=True, help_text="e.g. 7,2"
    )
    stakeholder_letter = models.ForeignKey(
        "invitations.Letter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Sent to accredited organizations that have not applied for the informal dialogue. Empty: none.",
    )
    stakeholder_days = models.CharField(
        "days before the dialogue's application deadline", max_length=40, default=DEFAULT_DAYS, blank=True
    )

    def __str__(self):
        return f"Reminders of {self.session.code}"


class ReminderRound(models.Model):
    """One reminder sent to one audience of a session: by the schedule (`days_before`, once: the constraint stops a
    second beat), or by hand ("remind now", `days_before` empty). Its letter is a copy of the reminder letter made for
    the round, so that every round reaches every address once."""

    session = models.ForeignKey(ThematicSession, on_delete=models.CASCADE, related_name="reminder_rounds")
    audience = models.CharField(max_length=20)
    days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    letter = models.ForeignKey("invitations.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dispatch = models.ForeignKey(
        "invitations.Dispatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    skipped = models.BooleanField(default=False, help_text="Its day passed while a later reminder was due.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "audience", "days_before"],
                condition=Q(days_before__isnull=False),
                name="reminder_round_once_per_day",
            ),
        ]

    def __str__(self):
        when = f"{self.days_before} days before" if self.days_before is not None else "by hand"
        return f"{self.session.code} reminder to {self.audience}, {when}"
