"""Worker liveness: one row per Celery worker process, its heartbeat refreshed while it lives."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker process (`host:pid`) and the last time it said it was alive. Written when it starts, every
    WORKER_HEARTBEAT_SECONDS by a thread of its own (or, in a process without that thread, on every claim);
    deleted when it stops cleanly."""

    name = models.CharField(max_length=255, unique=True, help_text="host:pid")
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OutgoingMail(models.Model):
    """One e-mail the portal sends, letters and notifications alike. The row, not the broker, decides whether it is
    sent: claimed with one atomic status change, sent once.

    A notification is stored as it will travel (subject, body, attachments). A mail whose content is heavy (a
    letter's PDF) names a `renderer` instead (outbox.renderers): the worker makes the message when it sends it,
    from the row that asked for it (a letter's delivery, pinned to its frozen text), so nothing large is stored and
    a retry or a "send again" makes the same message."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    # allauth's messages (registrations.accounts): they carry one-time links (a password reset's among them), so the
    # admin shows their status and reply but not their body: reading it would let staff take over the account.
    KIND_ACCOUNT = "account"

    PENDING = (Status.QUEUED, Status.SENDING, Status.RETRYING)

    kind = models.CharField(max_length=60, db_index=True, help_text="What the message is about, e.g. registration.")
    subject = models.CharField(max_length=500)
    from_email = models.CharField(max_length=300)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    body = models.TextField()
    # [{"filename", "mimetype", "content" (base64)}]
    attachments = models.JSONField(default=list, blank=True)
    renderer = models.CharField(
        max_length=60, blank=True, help_text="Made when sent by this renderer (outbox.renderers); blank: as stored."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True, help_text="The server's reply to the last failed attempt.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="Last time a task was put on the broker.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True, help_text="The worker process (host:pid) sending it.")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing mail"
        verbose_name_plural = "outgoing mail"
        permissions = [("resend_outgoingmail", "Can send a failed outgoing mail again")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="outgoingmail_sent_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.subject} to {', '.join(self.to)}: {self.get_status_display()}"
