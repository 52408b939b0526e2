"""A mission's way in: requests to act as its focal point, and its answer to a session's invitation."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from registrations.models.reference import PermanentMission
from registrations.storage import private_storage


def designation_letter_path(instance, filename):
    # The uploaded name is never used on disk: it is kept (for display) in designation_letter_name.
    return f"designation-letters/{instance.mission.state.iso3}-{uuid.uuid4().hex}.pdf"


class FocalPointRequest(models.Model):
    """An account asks to act for a mission; the secretariat decides. A letter's own link, followed by the account
    whose verified address the letter went to, is approved at once (`via_letter`): every focal point the portal
    names has its row here."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("focal point request status", "Pending")
        APPROVED = "approved", pgettext_lazy("focal point request status", "Approved")
        DECLINED = "declined", pgettext_lazy("focal point request status", "Declined")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_point_requests")
    mission = models.ForeignKey(PermanentMission, on_delete=models.PROTECT, related_name="focal_point_requests")
    function = models.CharField("function or title", max_length=300, blank=True)
    designation_letter = models.FileField(
        storage=private_storage, upload_to=designation_letter_path, max_length=200, blank=True
    )
    designation_letter_name = models.CharField("letter of designation (file name)", max_length=200, blank=True)
    session = models.ForeignKey(
        "consultations.ThematicSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The session whose letter's link led here, if any.",
    )
    via_letter = models.BooleanField(
        "by the letter's link", default=False, help_text="Approved because the account's address received the letter."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    reason = models.TextField(blank=True, help_text="Why it was declined: the requester reads it.")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_notified_at = models.DateTimeField(null=True, blank=True)
    colleagues_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "mission"], condition=Q(status="pending"), name="focal_point_request_one_pending"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""), name="focal_point_request_declined_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.user.email} for {self.mission.state.name_en} ({self.status})"


class MissionAnswer(models.Model):
    """What a mission did with a session's invitation: followed its link, said it will not attend. Registering is
    the registration itself; a submitted registration outranks "not attending"."""

    session = models.ForeignKey("consultations.ThematicSession", on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey(PermanentMission, on_delete=models.CASCADE, related_name="answers")
    link_followed_at = models.DateTimeField(null=True, blank=True)
    not_attending = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "board of answers"
        verbose_name_plural = "board of answers"
        constraints = [
            models.UniqueConstraint(fields=["session", "mission"], name="mission_answer_one_per_session"),
        ]

    def __str__(self):
        return f"{self.mission.state.name_en}, {self.session}"
