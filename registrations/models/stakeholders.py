"""Stakeholder organizations and their accreditation (resolution 71/280): organizations in consultative status
with ECOSOC are accredited once the secretariat confirms it; the others go on a list that Member States consider
on a non-objection basis. Representatives of an organization, confirmed per session."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registrations.models.history import StatusEvent
from registrations.models.reference import PermanentMission, State


class Organization(models.Model):
    """A stakeholder organization (civil society, academia, private sector, ...)."""

    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organization")
        ACADEMIA = "academia", _("Academia")
        PRIVATE_SECTOR = "private_sector", _("Private sector")
        TRADE_UNION = "trade_union", _("Trade union")
        DIASPORA = "diaspora", _("Diaspora or migrant organization")
        OTHER = "other", _("Other")

    class Ecosoc(models.TextChoices):
        GENERAL = "general", _("General consultative status")
        SPECIAL = "special", _("Special consultative status")
        ROSTER = "roster", _("Roster")
        NONE = "none", _("No consultative status")

    class Accreditation(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("accreditation", "Requested")
        ON_LIST = "on_list", pgettext_lazy("accreditation", "On a non-objection list")
        ACCREDITED = "accredited", pgettext_lazy("accreditation", "Accredited")
        NOT_ACCREDITED = "not_accredited", pgettext_lazy("accreditation", "Not accredited")

    name = models.CharField(max_length=300, unique=True)
    acronym = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NGO)
    ecosoc_status = models.CharField(
        "ECOSOC status", max_length=10, choices=Ecosoc.choices, default=Ecosoc.NONE, db_index=True
    )
    country = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text="Where the organization has its headquarters; blank for international networks.",
    )
    website = models.URLField(blank=True)
    email = models.EmailField("contact e-mail", blank=True)
    accreditation = models.CharField(
        max_length=15, choices=Accreditation.choices, default=Accreditation.REQUESTED, db_index=True
    )
    accreditation_reason = models.TextField(blank=True, help_text="The secretariat's reason, when not accredited.")
    accredited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text="The language its focal point registered the organization in: e-mails to it are sent in it.",
    )

    class Meta:
        ordering = ["name"]
        permissions = [("accredit_organization", "Can accredit stakeholder organizations and allocate slots")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(accreditation="accredited") | Q(accredited_at__isnull=False),
                name="organization_accredited_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def has_ecosoc_status(self) -> bool:
        return self.ecosoc_status != self.Ecosoc.NONE

    @property
    def is_accredited(self) -> bool:
        return self.accreditation == self.Accreditation.ACCREDITED


class OrganizationEvent(StatusEvent):
    """A decision on an organization's accreditation: the history, and the e-mail that tells the organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    to_status = models.CharField(max_length=15, choices=Organization.Accreditation.choices)

    def __str__(self):
        return f"{self.organization}: {self.get_to_status_display()}"


class NonObjectionListQuerySet(models.QuerySet):
    def open(self, now=None):
        """Lists taking objections: not closed, deadline ahead (the one definition, as `NonObjectionList.is_open`)."""
        return self.filter(closed_at__isnull=True, deadline__gt=now or timezone.now())

    def past_deadline(self, now=None):
        """Lists still open whose deadline has passed: what the periodic task closes and the secretariat's desk shows
        as due (the one definition)."""
        return self.filter(closed_at__isnull=True, deadline__lte=now or timezone.now())


class NonObjectionList(models.Model):
    """Organizations without ECOSOC status that Member States consider on a non-objection basis until the deadline.

    Open (taking objections) means not closed and before the deadline; a list past its deadline is no longer open
    but is still to be closed (by the periodic task or the secretariat), which decides its organizations.
    """

    title = models.CharField(max_length=200, help_text="e.g. Stakeholders for the sixth informal thematic session.")
    deadline = models.DateTimeField(help_text="Objections are taken until then; the list then closes by itself.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NonObjectionListQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "-id"]
        verbose_name = "non-objection list"

    def __str__(self):
        return f"{self.title} (until {timezone.localtime(self.deadline):%d %B %Y %H:%M})"

    def is_open_at(self, now) -> bool:
        return self.closed_at is None and now < self.deadline

    @property
    def is_open(self) -> bool:
        """Taking objections now (see NonObjectionListQuerySet.open)."""
        return self.is_open_at(timezone.now())

    @property
    def is_closed(self) -> bool:
        """Closed: its organizations have been decided."""
        return self.closed_at is not None


class NonObjectionEntry(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", pgettext_lazy("non-objection", "Pending")
        APPROVED = "approved", pgettext_lazy("non-objection", "Approved (no objection)")
        NOT_APPROVED = "not_approved", pgettext_lazy("non-objection", "Not approved (objection)")

    list = models.ForeignKey(NonObjectionList, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="non_objection_entries")
    outcome = models.CharField(max_length=15, choices=Outcome.choices, default=Outcome.PENDING, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = "organization on a non-objection list"
        verbose_name_plural = "organizations on non-objection lists"
        constraints = [
            models.UniqueConstraint(fields=["list", "organization"], name="non_objection_entry_once_per_list"),
        ]

    def __str__(self):
        return f"{self.organization} on {self.list.title}"


class Objection(models.Model):
    """A Member State's objection to an organization on a list. The reason is for the secretariat only."""

    entry = models.ForeignKey(NonObjectionEntry, on_delete=models.CASCADE, related_name="objections")
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    mission = models.ForeignKey(PermanentMission, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, help_text="Optional; read by the secretariat only.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "state"], name="objection_once_per_state")]

    def __str__(self):
        return f"{self.state} objects to {self.entry.organization}"


class Representation(models.Model):
    """A person who asks to represent an organization at a session; its focal point or the secretariat confirms."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("representation status", "Requested")
        CONFIRMED = "confirmed", pgettext_lazy("representation status", "Confirmed")
        DECLINED = "declined", pgettext_lazy("representation status", "Declined")

    session = models.ForeignKey(
        "consultations.ThematicSession", on_delete=models.PROTECT, related_name="stakeholder_representations"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="representations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="representations")
    function = models.CharField("function or title", max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The decision the representative was last e-mailed: a decision toggled back and forth ends in one e-mail at
    # most, and none if it ends where the representative was last told.
    notified_status = models.CharField(max_length=10, choices=Status.choices, blank=True)

    class Meta:
        ordering = ["session", "organization__name", "requested_at", "id"]
        constraints = [
            # One organization per person and session.
            models.UniqueConstraint(fields=["session", "user"], name="representation_one_organization_per_session"),
        ]

    def __str__(self):
        return f"{self.user.email} for {self.organization} ({self.session.code})"
