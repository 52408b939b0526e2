"""The informal dialogue with stakeholders of a session: its speaking slots and the organizations' applications."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compact_portal.templatetags.portal_i18n import datetime_with_zone
from registrations.models.history import StatusEvent
from registrations.models.stakeholders import Organization
from sessions.models import ThematicSession

DIALOGUE_KIND = "stakeholder_dialogue"  # AgendaItem.Kind.STAKEHOLDER_DIALOGUE


class DialogueQuerySet(models.QuerySet):
    def taking_applications(self, now=None):
        """Dialogues organizations may apply to now: Dialogue.applications_window's "open", in SQL (keep the two
        together)."""
        now = now or timezone.now()
        return self.filter(
            session__status=ThematicSession.Status.PUBLISHED,
            applications_open_at__lte=now,
            applications_close_at__gt=now,
            drawn_at=None,
        )

    def draw_due(self, now=None):
        """Dialogues allocated by draw whose deadline has passed and whose draw is not made: what the periodic task
        draws and the secretariat's desk shows as due (the one definition)."""
        return self.filter(
            allocation=Dialogue.Allocation.DRAW, drawn_at__isnull=True, applications_close_at__lte=now or timezone.now()
        )


class Dialogue(models.Model):
    """Speaking slots of a session's informal dialogue with stakeholders.

    The agenda item gives the window (day, start and end, local time at the venue). The chair keeps
    `chair_minutes` at the opening; the rest is cut into statements of `minutes_per_statement`, so
    slots = (window − chair) // minutes per statement. What does not fill a slot closes the dialogue.
    """

    class Allocation(models.TextChoices):
        FIRST_COME = "first_come", _("First come, first served")
        DRAW = "draw", _("Draw at the deadline (balanced by region and kind of organization)")

    session = models.OneToOneField(
        "consultations.ThematicSession", on_delete=models.CASCADE, related_name="stakeholder_dialogue"
    )
    item = models.OneToOneField(
        "consultations.AgendaItem",
        on_delete=models.PROTECT,
        related_name="stakeholder_dialogue",
        limit_choices_to={"kind": DIALOGUE_KIND},
        help_text="The agenda item of the dialogue: its day and times are the dialogue's window.",
    )
    minutes_per_statement = models.PositiveSmallIntegerField(default=3)
    chair_minutes = models.PositiveSmallIntegerField(
        "minutes kept for the chair", default=5, help_text="Taken at the opening of the dialogue."
    )
    applications_open_at = models.DateTimeField()
    applications_close_at = models.DateTimeField(help_text="The deadline; a draw runs after it.")
    allocation = models.CharField(max_length=12, choices=Allocation.choices, default=Allocation.FIRST_COME)
    representatives_per_organization = models.PositiveSmallIntegerField(
        default=2, help_text="Confirmed representatives per organization at this session."
    )
    next_sequence = models.PositiveIntegerField(default=0, editable=False, help_text="Arrival counter.")
    draw_seed = models.CharField(max_length=40, blank=True, editable=False)
    drawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    is_published = models.BooleanField("published", default=False, help_text="Shown on the session's page.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        ordering = ["session"]
        verbose_name = "informal dialogue with stakeholders"
        verbose_name_plural = "informal dialogues with stakeholders"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_per_statement__gt=0), name="dialogue_statement_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=F("applications_open_at")), name="dialogue_window_closes_after"
            ),
        ]

    def __str__(self):
        return f"Informal dialogue, {self.session.code}"

    def clean(self):
        if self.item_id and self.item.kind != DIALOGUE_KIND:
            raise ValidationError({"item": "Choose the agenda item of the informal dialogue with stakeholders."})
        if self.item_id and self.session_id and self.item.session_id != self.session_id:
            raise ValidationError({"item": "The agenda item belongs to another session."})
        if self.item_id and self.minutes_per_statement and self.slot_count < 1:
            raise ValidationError("The window leaves no slot: fewer minutes for the chair or per statement.")

    @property
    def window_minutes(self) -> int:
        start = datetime.combine(self.item.day, self.item.start_time)
        return int((datetime.combine(self.item.day, self.item.end_time) - start).total_seconds() // 60)

    @property
    def slot_count(self) -> int:
        return max((self.window_minutes - self.chair_minutes) // self.minutes_per_statement, 0)

    def slot_times(self, position: int) -> tuple[datetime, datetime]:
        """Start and end of slot `position` (1 is first), aware, in the venue's time zone."""
        zone = self.session.venue.zone
        opening = datetime.combine(self.item.day, self.item.start_time, tzinfo=zone)
        start = opening + timedelta(minutes=self.chair_minutes + (position - 1) * self.minutes_per_statement)
        return start, start + timedelta(minutes=self.minutes_per_statement)

    def applications_window(self, *, now=None) -> tuple[str, str | None]:
        """The one rule of applying: ("upcoming" | "open" | "closed", why organizations cannot apply now or None).
        The service that takes an application, its page and the public pages' way in all read it; lists of dialogues
        read its SQL twin, Dialogue.objects.taking_applications."""
        now = now or timezone.now()
        if now < self.applications_open_at:
            return "upcoming", gettext("Applications open on %(date)s.") % {
                "date": datetime_with_zone(self.applications_open_at)
            }
        if now >= self.applications_close_at:
            return "closed", gettext("Applications closed on %(date)s.") % {
                "date": datetime_with_zone(self.applications_close_at)
            }
        if self.drawn_at:
            return "closed", gettext("The draw has been made.")
        if self.session.status != ThematicSession.Status.PUBLISHED:
            return "closed", gettext("Applications are taken only for published sessions.")
        return "open", None

    def applications_message(self, *, now=None) -> str | None:
        """Why organizations cannot apply now, or None if they can."""
        return self.applications_window(now=now)[1]


class SlotApplication(models.Model):
    """An organization's application for a speaking slot. One per organization and dialogue.

    `sequence` is the order of arrival, assigned while the dialogue's row is locked. `position` is the place
    within the status: the speaking order of confirmed speakers, the place on the waiting list.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("application status", "Awaiting the draw")
        CONFIRMED = "confirmed", pgettext_lazy("application status", "Confirmed")
        WAITLISTED = "waitlisted", pgettext_lazy("application status", "On the waiting list")
        DECLINED = "declined", pgettext_lazy("application status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")

        def can_become(self, status: str) -> bool:
            """The one transition table of an application (APPLICATION_TRANSITIONS)."""
            return status in APPLICATION_TRANSITIONS[self]

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="applications")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="slot_applications")
    speaker_name = models.CharField(max_length=200)
    speaker_function = models.CharField("speaker's function or title", max_length=300)
    speaker_email = models.EmailField("speaker's e-mail", blank=True)
    theme = models.ForeignKey(
        "consultations.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The panel whose theme the statement addresses.",
    )
    summary = models.TextField(max_length=1500, help_text="A short summary of the statement.")
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    sequence = models.PositiveIntegerField("arrival", editable=False)
    position = models.PositiveIntegerField(null=True, blank=True, editable=False)
    decision_reason = models.TextField(blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    applied_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dialogue", "status", "position", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "organization"], name="slot_application_one_per_organization"),
            models.UniqueConstraint(fields=["dialogue", "sequence"], name="slot_application_sequence_unique"),
            models.CheckConstraint(
                condition=(Q(status__in=["confirmed", "waitlisted"]) & Q(position__isnull=False))
                | (~Q(status__in=["confirmed", "waitlisted"]) & Q(position__isnull=True)),
                name="slot_application_position_when_listed",
            ),
        ]

    def __str__(self):
        return f"{self.organization}: {self.speaker_name} ({self.get_status_display().lower()})"

    def slot_times(self) -> tuple[datetime, datetime] | None:
        if self.status != self.Status.CONFIRMED or not self.position:
            return None
        return self.dialogue.slot_times(self.position)

    @property
    def can_withdraw(self) -> bool:
        return self.Status(self.status).can_become(self.Status.WITHDRAWN)


class ApplicationEvent(StatusEvent):
    """A change of an application's status: the history, and the e-mail that tells the organization."""

    application = models.ForeignKey(SlotApplication, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=SlotApplication.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=SlotApplication.Status.choices)

    def __str__(self):
        return f"{self.application.organization}: {self.from_status or '—'} → {self.to_status}"


_Status = SlotApplication.Status
# How an application moves (see registrations/services/dialogue.py): an application is made pending (a draw),
# confirmed or wait-listed; declined and withdrawn are final.
APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    _Status.PENDING: frozenset({_Status.CONFIRMED, _Status.WAITLISTED, _Status.WITHDRAWN, _Status.DECLINED}),
    _Status.CONFIRMED: frozenset({_Status.WAITLISTED, _Status.WITHDRAWN, _Status.DECLINED}),
    _Status.WAITLISTED: frozenset({_Status.CONFIRMED, _Status.WITHDRAWN, _Status.DECLINED}),
    _Status.DECLINED: frozenset(),
    _Status.WITHDRAWN: frozenset(),
}
