"""One append-only log of every state change and staff action, each entry chained to the one before by a hash.

An entry is never changed or deleted: the model and its queryset refuse to, the admin shows entries read-only, and
the hash chain makes a change made behind their back (in the database by hand) visible to `manage.py audit_verify`.
"""

import json
from datetime import UTC

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

GENESIS = "0" * 64


class AppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry through Django."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries are never changed.")

    def delete(self):
        raise AppendOnly("Audit entries are never deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEntry(models.Model):
    """Who did what to which object, when, from what to what, and why."""

    seq = models.PositiveBigIntegerField("no.", unique=True, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The actor as a plain id and text, not a foreign key: deleting an account must not rewrite its entries.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_repr = models.CharField("by", max_length=254, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("object", max_length=300, blank=True)
    # The thematic session the change concerns, if any (for the per-session list); a plain id: audit imports no app.
    session_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are never deleted.")

    @property
    def object_type(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}" if self.content_type_id else ""

    def canonical(self) -> str:
        """The entry as canonical JSON (sorted keys, no spaces, UTC time): what the hash is computed over."""
        data = {
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor": self.actor_repr,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object": self.object_repr,
            "session_id": self.session_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "previous_hash": self.previous_hash,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def compute_hash(self) -> str:
        # Keyed (HMAC-SHA256 under AUDIT_CHAIN_KEY): someone who can write to the database but does not hold the
        # key cannot rewrite an entry and recompute the chain after it.
        return salted_hmac(
            "audit.chain", self.canonical(), secret=settings.AUDIT_CHAIN_KEY, algorithm="sha256"
        ).hexdigest()


class ChainHead(models.Model):
    """One row: the last entry's number and hash. Appends lock it, so concurrent writers take turns and the chain
    never forks; it also shows an entry deleted from the end."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "chain head"

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}…"
