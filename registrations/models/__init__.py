"""States, regional groups and Permanent Missions (reference data); the accounts that act for them; delegation
registrations with their notes verbales; speakers lists."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone

from registrations.storage import private_storage


class RegionalGroup(models.Model):
    """One of the five regional groups of Member States used for elections."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=20, blank=True, help_text="e.g. GRULAC, WEOG.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class State(models.Model):
    class Membership(models.TextChoices):
        MEMBER = "member", "Member State"
        OBSERVER = "observer", "Non-member Observer State"

    iso3 = models.CharField("ISO 3166 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166 alpha-2", max_length=2, unique=True)
    name_en = models.CharField("short name (English)", max_length=100, unique=True)
    name_fr = models.CharField("short name (French)", max_length=100)
    membership = models.CharField(max_length=10, choices=Membership.choices, db_index=True)
    regional_group = models.ForeignKey(
        RegionalGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="states",
        help_text="Group for elections; Observer States have none.",
    )
    admitted = models.DateField(null=True, blank=True, help_text="Admission to the UN, or observer status since.")

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(membership="observer") | models.Q(regional_group__isnull=False),
                name="member_state_has_regional_group",
            ),
        ]

    def __str__(self):
        return self.name_en

    def name(self, language: str = "en") -> str:
        return self.name_fr if language.startswith("fr") else self.name_en


def validate_email_lines(value: str) -> None:
    for line_number, address in enumerate(value.splitlines(), start=1):
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as error:
            raise ValidationError(f"Line {line_number}: {address!r} is not an e-mail address.") from error


class PermanentMission(models.Model):
    class DutyStation(models.TextChoices):
        NEW_YORK = "new_york", "New York"
        GENEVA = "geneva", "Geneva"
        VIENNA = "vienna", "Vienna"

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="missions")
    duty_station = models.CharField(max_length=10, choices=DutyStation.choices, default=DutyStation.NEW_YORK)
    name = models.CharField(max_length=200, help_text="e.g. Permanent Mission of Mexico to the United Nations.")
    head_honorific = models.CharField(max_length=40, blank=True, help_text="e.g. H.E. Mr.")
    head_name = models.CharField(max_length=200, blank=True)
    head_title = models.CharField(max_length=200, blank=True, help_text="e.g. Ambassador and Permanent Representative.")
    emails = models.TextField(blank=True, validators=[validate_email_lines], help_text="One address per line.")

    class Meta:
        ordering = ["state__name_en", "duty_station"]
        constraints = [
            models.UniqueConstraint(fields=["state", "duty_station"], name="mission_one_per_state_and_duty_station"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_duty_station_display()})"

    @property
    def email_list(self) -> list[str]:
        return [line.strip() for line in self.emails.splitlines() if line.strip()]


# --- Accounts: who acts for whom ----------------------------------------------------------------------------------


class Organization(models.Model):
    """A stakeholder organization (civil society, academia, private sector, ...)."""

    class Kind(models.TextChoices):
        NGO = "ngo", "Non-governmental organization"
        ACADEMIA = "academia", "Academia"
        PRIVATE_SECTOR = "private_sector", "Private sector"
        IGO = "igo", "Intergovernmental organization"
        UN_ENTITY = "un_entity", "United Nations entity"
        OTHER = "other", "Other"

    name = models.CharField(max_length=300, unique=True)
    acronym = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NGO)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Profile(models.Model):
    """Ties an account to a Permanent Mission (a delegate) or to a stakeholder organization.

    The secretariat names focal points; only a focal point acts for the mission (registers, inscribes speakers).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    mission = models.ForeignKey(
        PermanentMission, on_delete=models.PROTECT, null=True, blank=True, related_name="profiles"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="profiles"
    )
    is_focal_point = models.BooleanField(
        "focal point", default=False, help_text="Acts for the mission: registers its delegation, inscribes speakers."
    )

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mission__isnull=True) | Q(organization__isnull=True), name="profile_one_affiliation"
            ),
            models.CheckConstraint(
                condition=Q(is_focal_point=False) | Q(mission__isnull=False) | Q(organization__isnull=False),
                name="profile_focal_point_has_affiliation",
            ),
        ]

    def __str__(self):
        return f"{self.user.email} ({self.mission or self.organization or 'no affiliation'})"

    def clean(self):
        if self.mission_id and self.organization_id:
            raise ValidationError("A profile belongs to a mission or to an organization, not both.")
        if self.is_focal_point and not (self.mission_id or self.organization_id):
            raise ValidationError({"is_focal_point": "Name the mission or organization this person acts for."})


# --- Delegation registrations -------------------------------------------------------------------------------------


def note_verbale_path(instance, filename):
    # The uploaded name is never used on disk: it is kept (for display) in note_verbale_name.
    return f"notes-verbales/{instance.session.slug}/{instance.mission.state.iso3}-{uuid.uuid4().hex}.pdf"


class DelegationRegistration(models.Model):
    """One mission's delegation to one session, with the note verbale that lists it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned for changes"
        REJECTED = "rejected", "Rejected"

    session = models.ForeignKey(
        "consultations.ThematicSession", on_delete=models.PROTECT, related_name="delegation_registrations"
    )
    mission = models.ForeignKey(PermanentMission, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    note_verbale = models.FileField(storage=private_storage, upload_to=note_verbale_path, max_length=200, blank=True)
    note_verbale_name = models.CharField("note verbale (file name as uploaded)", max_length=200, blank=True)
    decision_reason = models.TextField(blank=True, help_text="The secretariat's reason for the latest decision.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "mission__state__name_en"]
        permissions = [("process_delegationregistration", "Can approve, return or reject delegation registrations")]
        constraints = [
            models.UniqueConstraint(fields=["session", "mission"], name="registration_one_per_mission_and_session"),
            models.CheckConstraint(
                condition=~Q(status__in=["returned", "rejected"]) | ~Q(decision_reason=""),
                name="registration_return_or_rejection_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.mission.state.name_en}, {self.session.code}"

    @property
    def reference(self) -> str:
        """Quoted in letters and e-mails, e.g. ITS6-MEX-42."""
        return f"{self.session.code}-{self.mission.state.iso3}-{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


EDITABLE_STATUSES = frozenset(
    {
        DelegationRegistration.Status.DRAFT,
        DelegationRegistration.Status.SUBMITTED,
        DelegationRegistration.Status.RETURNED,
    }
)


class DelegationMember(models.Model):
    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    registration = models.ForeignKey(DelegationRegistration, on_delete=models.CASCADE, related_name="members")
    is_head = models.BooleanField("head of delegation", default=False)
    honorific = models.CharField(max_length=40, blank=True, help_text="e.g. H.E. Mr., Ms., Dr.")
    family_name = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100, blank=True)
    function = models.CharField("function or title", max_length=300)
    email = models.EmailField(blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.IN_PERSON)
    order = models.PositiveSmallIntegerField(default=0)
    letter_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_head", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(is_head=True), name="registration_one_head_of_delegation"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.full_name}".strip()


class RegistrationEvent(models.Model):
    """A change of status, with who made it and why: the history nothing overwrites."""

    registration = models.ForeignKey(DelegationRegistration, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=DelegationRegistration.Status.choices)
    to_status = models.CharField(max_length=10, choices=DelegationRegistration.Status.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.registration}: {self.from_status} → {self.to_status}"


# --- Speakers lists --------------------------------------------------------------------------------------------------


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
        HEAD_OF_STATE_OR_GOVERNMENT = 1, "Head of State or Government"
        MINISTER = 2, "Minister"
        VICE_MINISTER = 3, "Vice-Minister"
        PERMANENT_REPRESENTATIVE = 4, "Permanent Representative"
        OTHER = 5, "Other"

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
