"""Lists of speakers from the floor, and the inscriptions of States and groups of States."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models.reference import PermanentMission

# Agenda items that take statements from the floor (AgendaItem.Kind values).
FLOOR_KINDS = frozenset({"panel", "discussion"})


class SpeakersList(models.Model):
    """The list of speakers from the floor for one agenda item (an interactive panel or discussion)."""

    item = models.OneToOneField("consultations.AgendaItem", on_delete=models.CASCADE, related_name="speakers_list")
    time_limit = models.DurationField(
        default=timedelta(minutes=3), help_text="Default speaking time, e.g. 00:03:00 for three minutes."
    )
    is_open = models.BooleanField("open for inscriptions", default=True)
    is_locked = models.BooleanField("locked", default=False, help_text="No more inscriptions or withdrawals.")
    is_published = models.BooleanField("published", default=False, help_text="Shown on the session's pages.")
    ordered_manually = models.BooleanField(
        default=False, help_text="Set when the secretariat moves a speaker; later inscriptions join at the end."
    )

    class Meta:
        ordering = ["item__session", "item__day", "item__start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(time_limit__gt=timedelta(0)), name="speakers_list_time_limit_positive")
        ]

    def __str__(self):
        return f"Speakers: {self.item.title} ({self.item.session.code})"

    def clean(self):
        if self.item_id and self.item.kind not in FLOOR_KINDS:
            raise ValidationError(
                {"item": f"A {self.item.get_kind_display().lower()} takes no statements from the floor."}
            )

    @property
    def accepts_inscriptions(self) -> bool:
        return self.is_open and not self.is_locked


class Inscription(models.Model):
    """A speaker inscribed by a focal point, on behalf of the State or of a group of States."""

    class Level(models.IntegerChoices):
        HEAD_OF_STATE_OR_GOVERNMENT = 1, _("Head of State or Government")
        MINISTER = 2, _("Minister")
        VICE_MINISTER = 3, _("Vice-Minister")
        PERMANENT_REPRESENTATIVE = 4, _("Permanent Representative")
        OTHER = 5, _("Other")

    speakers_list = models.ForeignKey(SpeakersList, on_delete=models.CASCADE, related_name="inscriptions")
    mission = models.ForeignKey(PermanentMission, on_delete=models.PROTECT, related_name="inscriptions")
    group_name = models.CharField(
        "on behalf of the group",
        max_length=200,
        blank=True,
        help_text="e.g. Group of 77 and China. Blank when speaking for the State.",
    )
    honorific = models.CharField(max_length=40, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    function = models.CharField("function or title", max_length=300)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    time_limit = models.DurationField()
    inscribed_at = models.DateTimeField(default=timezone.now)
    inscribed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["speakers_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["speakers_list", "mission"], condition=Q(group_name=""), name="inscription_once_per_state"
            ),
            models.UniqueConstraint(
                fields=["speakers_list", "group_name"], condition=~Q(group_name=""), name="inscription_once_per_group"
            ),
            models.CheckConstraint(condition=Q(time_limit__gt=timedelta(0)), name="inscription_time_limit_positive"),
        ]

    def __str__(self):
        return f"{self.on_behalf_of}: {self.speaker_name}"

    @property
    def speaker_name(self) -> str:
        return f"{self.honorific} {self.given_name} {self.family_name}".strip().replace("  ", " ")

    @property
    def on_behalf_of(self) -> str:
        return self.group_name or self.mission.state.name_en

    @property
    def for_group(self) -> bool:
        return bool(self.group_name)
