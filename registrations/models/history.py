"""What every history row of a status records: who changed it, when and why, and when the e-mail about it went."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class StatusEvent(models.Model):
    """A change of status: the history nothing overwrites. Each kind adds its subject and its statuses."""

    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
