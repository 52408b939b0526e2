"""Long documents made by a worker, never in a web request: a session's list of participants (PDF, CSV) and the
confirmation letters of every approved member (a zip). The row is the source of truth: its status and progress
are what the admin's page polls; its file is in private storage and served only to the secretariat (or, for a
published list of participants, to anyone)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from registrations.storage import private_storage


def document_path(instance, filename):
    return f"documents/{instance.session.slug}/{uuid.uuid4().hex}-{filename}"


class GeneratedDocument(models.Model):
    class Kind(models.TextChoices):
        PARTICIPANTS_PDF = "participants_pdf", "List of participants (PDF)"
        PARTICIPANTS_CSV = "participants_csv", "List of participants (CSV)"
        LETTERS_ZIP = "letters_zip", "Confirmation letters of every approved member (zip of PDFs)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    session = models.ForeignKey(
        "consultations.ThematicSession", on_delete=models.CASCADE, related_name="generated_documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True, help_text="What the worker is doing now.")
    file = models.FileField(storage=private_storage, upload_to=document_path, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True, help_text="The name the download is offered under.")
    names = models.PositiveIntegerField(default=0, help_text="Participants (or letters) in the document.")
    error = models.TextField(blank=True)
    claimed_by = models.CharField(max_length=255, blank=True, help_text="The worker process (host:pid) making it.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker started making it.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown on the session's public page since then (lists of participants only)."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "generated document"
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(kind="participants_pdf", status="done"),
                name="generated_document_only_ready_participant_pdfs_published",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.session.code} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def percent(self) -> float:
        if self.status == self.Status.DONE:
            return 100.0
        return round(100 * self.done_steps / self.total_steps, 1) if self.total_steps else 0.0

    def progress(self) -> dict:
        return {
            "status": self.status,
            "status_label": self.get_status_display(),
            "stage": self.stage,
            "done_steps": self.done_steps,
            "total_steps": self.total_steps,
            "percent": self.percent,
            "names": self.names,
            "done": self.status in (self.Status.DONE, self.Status.FAILED),
            "error": self.error,
        }
