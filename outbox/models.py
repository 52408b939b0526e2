"""Worker liveness: one row per Celery worker process, its heartbeat refreshed while it lives."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker process (`host:pid`) and the last time it said it was alive. Written when it starts, every
    WORKER_HEARTBEAT_SECONDS by a thread of its own, and on every claim; deleted when it stops cleanly."""

    name = models.CharField(max_length=255, unique=True, help_text="host:pid")
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
