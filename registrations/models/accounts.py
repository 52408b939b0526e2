"""Accounts: who acts for a Permanent Mission or a stakeholder organization."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from registrations.models.reference import PermanentMission
from registrations.models.stakeholders import Organization


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


class StaffEnrolmentCode(models.Model):
    """A single-use, short-lived code a superuser or the secretariat gives a staff account out of band (in person,
    by telephone): setting up the staff's second factor needs it, so a password alone cannot enrol an
    authenticator and gain staff powers. Only the code's SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return f"enrolment code for {self.user} ({'used' if self.used_at else 'unused'})"
