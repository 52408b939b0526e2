"""Delegation registrations of Permanent Missions, with their notes verbales, members and history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registrations.models.history import StatusEvent
from registrations.models.reference import PermanentMission
from registrations.storage import private_storage


def note_verbale_path(instance, filename):
    # The uploaded name is never used on disk: it is kept (for display) in note_verbale_name.
    return f"notes-verbales/{instance.session.slug}/{instance.mission.state.iso3}-{uuid.uuid4().hex}.pdf"


class DelegationRegistration(models.Model):
    """One mission's delegation to one session, with the note verbale that lists it."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("registration status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("registration status", "Submitted")
        APPROVED = "approved", pgettext_lazy("registration status", "Approved")
        RETURNED = "returned", pgettext_lazy("registration status", "Returned for changes")
        REJECTED = "rejected", pgettext_lazy("registration status", "Rejected")

        def next_statuses(self) -> frozenset:
            """The statuses this one may become: the one transition table (REGISTRATION_TRANSITIONS)."""
            return REGISTRATION_TRANSITIONS[self]

        def can_become(self, status: str) -> bool:
            return status in REGISTRATION_TRANSITIONS[self]

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
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The focal point's language when last saving or submitting: e-mails and letters are sent in it.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept with the members it counts, in the same transaction, by the one service that writes them
    # (services.delegations._members_replace; bulk loaders call members_recount): lists and the board read it
    # instead of counting a COP's 100,000 members per page.
    member_count = models.PositiveIntegerField("members", default=0, editable=False)

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

    # What may happen next, from the transition table: the services enforce it, views, templates and the admin's
    # buttons ask these.
    @property
    def can_submit(self) -> bool:
        return self.Status(self.status).can_become(self.Status.SUBMITTED)

    @property
    def can_be_decided(self) -> bool:
        """The secretariat may approve, return or reject it now."""
        return self.Status(self.status).can_become(self.Status.APPROVED)


_Status = DelegationRegistration.Status
# The registration's state machine (no state is ever skipped); the picture is in registrations/services/delegations.py.
REGISTRATION_TRANSITIONS: dict[str, frozenset[str]] = {
    _Status.DRAFT: frozenset({_Status.SUBMITTED}),
    _Status.SUBMITTED: frozenset({_Status.APPROVED, _Status.RETURNED, _Status.REJECTED}),
    _Status.RETURNED: frozenset({_Status.SUBMITTED}),
    _Status.APPROVED: frozenset(),
    _Status.REJECTED: frozenset(),
}


EDITABLE_STATUSES = frozenset(
    {
        DelegationRegistration.Status.DRAFT,
        DelegationRegistration.Status.SUBMITTED,
        DelegationRegistration.Status.RETURNED,
    }
)


class DelegationMember(models.Model):
    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

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
        # A delegation's members in their order, and the admin's list of all members, read a page from it.
        indexes = [models.Index(fields=["registration", "-is_head", "order", "id"], name="member_registration_order")]
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


class RegistrationEvent(StatusEvent):
    """A change of status, with who made it and why: the history nothing overwrites."""

    registration = models.ForeignKey(DelegationRegistration, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=DelegationRegistration.Status.choices)
    to_status = models.CharField(max_length=10, choices=DelegationRegistration.Status.choices)

    def __str__(self):
        return f"{self.registration}: {self.from_status} → {self.to_status}"
