"""Long documents made in the background: the secretariat asks, a worker makes the file while the admin's page
polls its progress, the secretariat downloads it when it is ready, and may publish a list of participants on the
session's page. Never made in a web request.

    document_request(session=, kind=, by=)   writes the row (queued) and enqueues the task after the commit
    document_generate(document_id=)          the task's work: claims the row, makes the file, records progress
    document_publish(document=, by=)         a ready list of participants (PDF) shown on the session's page
    documents_sweep()                        the periodic sweeper: a document whose worker died is made again, or fails
"""

import io
import time
import zipfile
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from audit import trail
from compact_portal.permissions import require_secretariat
from outbox import workers
from registrations import letters, participants
from registrations.models import DelegationMember, DelegationRegistration, GeneratedDocument
from sessions.models import ThematicSession
from sessions.public_cache import public_pages_changed

Kind = GeneratedDocument.Kind
Status = GeneratedDocument.Status


def document_request(*, session: ThematicSession, kind: str, by) -> GeneratedDocument:
    require_secretariat(by, "Only the secretariat makes lists of participants and letters.")
    with transaction.atomic():
        document = GeneratedDocument.objects.create(session=session, kind=Kind(kind), created_by=by)
        generate_document.delay_on_commit(document.pk)
    return document


def _claim(document_id: int, *, now=None) -> bool:
    """queued → running, atomically, naming this worker process: a task delivered twice makes the document once. A
    task delivered again because its worker died (acks_late) takes the row over from the dead process, until
    DOCUMENTS_MAX_ATTEMPTS; past them the document fails with the reason."""
    now = now or timezone.now()
    worker = workers.claimant(now=now)
    claim = {"status": Status.RUNNING, "started_at": now, "claimed_by": worker, "attempts": F("attempts") + 1}
    if GeneratedDocument.objects.filter(pk=document_id, status=Status.QUEUED).update(**claim):
        return True
    running = GeneratedDocument.objects.filter(status=Status.RUNNING)
    found = workers.held_by_dead(running, pk=document_id, fields=("started_at", "attempts"), now=now)
    if found is None:
        return False
    lost, held = found
    if held["attempts"] >= settings.DOCUMENTS_MAX_ATTEMPTS:
        lost.update(status=Status.FAILED, error=_lost_reason(held, gave_up=True), finished_at=now)
        return False
    return lost.update(error=_lost_reason(held), **claim) == 1


def _lost_reason(held: dict, *, gave_up: bool = False, timed_out: bool = False) -> str:
    if timed_out:
        reason = f"Still being made {settings.DOCUMENTS_RUNNING_TIMEOUT_SECONDS / 3600:g} h after it started"
    else:
        reason = f"The worker process making it ({held['claimed_by']}) stopped"
    attempts = held["attempts"]
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    if gave_up:
        return f"{reason}, after {tries}: given up. Make it again; if it fails again, look at the worker's memory."
    return f"{reason}: made again (attempt {attempts + 1})."


def documents_sweep(*, now=None) -> dict[str, int]:
    """The periodic sweeper: a document left "being made" by a dead worker process (outbox.workers: its pid gone on
    this host, or its heartbeat silent), or for longer than DOCUMENTS_RUNNING_TIMEOUT_SECONDS, is queued again for
    another worker, or fails with the reason once it has had DOCUMENTS_MAX_ATTEMPTS."""
    now = now or timezone.now()
    running = GeneratedDocument.objects.filter(status=Status.RUNNING)
    dead = workers.dead_claimants(running, now=now)
    stale = now - timedelta(seconds=settings.DOCUMENTS_RUNNING_TIMEOUT_SECONDS)
    lost = running.filter(Q(claimed_by__in=dead) | Q(started_at__lt=stale))
    counts = {"requeued": 0, "failed": 0}
    for held in lost.values("pk", "claimed_by", "started_at", "attempts"):
        timed_out = held["claimed_by"] not in dead
        row = GeneratedDocument.objects.filter(
            pk=held["pk"], status=Status.RUNNING, claimed_by=held["claimed_by"], started_at=held["started_at"]
        )
        if held["attempts"] >= settings.DOCUMENTS_MAX_ATTEMPTS:
            reason = _lost_reason(held, gave_up=True, timed_out=timed_out)
            counts["failed"] += row.update(status=Status.FAILED, error=reason, finished_at=now)
            continue
        with transaction.atomic():
            if row.update(status=Status.QUEUED, error=_lost_reason(held, timed_out=timed_out), stage=""):
                generate_document.delay_on_commit(held["pk"])
                counts["requeued"] += 1
    return counts


class _Progress:
    """Writes the progress to the row at most once per percent (a 10,000-name list makes at most 100 updates)."""

    def __init__(self, document: GeneratedDocument, total: int):
        self.document, self.total, self.last = document, max(total, 1), -1
        self.beaten = time.monotonic()
        GeneratedDocument.objects.filter(pk=document.pk).update(total_steps=self.total, done_steps=0)

    def __call__(self, done: int, stage: str = "") -> None:
        percent = 100 * done // self.total
        if percent != self.last or stage:
            self.last = percent
            if time.monotonic() - self.beaten >= settings.WORKER_HEARTBEAT_SECONDS:
                # A worker without the heartbeat thread (solo pool) shows it is alive while it makes a long document.
                self.beaten = time.monotonic()
                workers.beat()
            update = {"done_steps": min(done, self.total)}
            if stage:
                update["stage"] = stage
            GeneratedDocument.objects.filter(pk=self.document.pk).update(**update)


def document_generate(*, document_id: int) -> bool:
    if not _claim(document_id):
        return False
    document = GeneratedDocument.objects.select_related("session__venue", "session__process").get(pk=document_id)
    session = document.session
    try:
        if document.kind == Kind.LETTERS_ZIP:
            content, names, name = _letters_zip(document)
        else:
            names = participants.count_names(session)
            progress = _Progress(document, names)
            if document.kind == Kind.PARTICIPANTS_PDF:
                progress(0, stage=f"Laying out {names} names")
                content = participants.participants_pdf(session, progress=progress)
                name = participants.filename(session, "pdf")
            else:
                progress(0, stage=f"Writing {names} names")
                content = participants.participants_csv(session, progress=progress)
                name = participants.filename(session, "csv")
    except Exception as error:  # recorded for the secretariat to see; the worker stays up
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=Status.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        raise
    document.refresh_from_db()
    document.file.save(name, ContentFile(content), save=False)
    document.filename = name
    document.names = names
    document.status = Status.DONE
    document.done_steps = document.total_steps
    document.stage = ""
    document.error = ""
    document.finished_at = timezone.now()
    document.save()
    return True


def _letters_zip(document: GeneratedDocument) -> tuple[bytes, int, str]:
    """One PDF per approved delegation (a letter per member, in the delegation's language), in one zip."""
    session = document.session
    names = DelegationMember.objects.filter(
        registration__session=session, registration__status=DelegationRegistration.Status.APPROVED
    ).count()
    progress = _Progress(document, names)
    progress(0, stage=f"Writing {names} letters")
    buffer = io.BytesIO()
    done = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for registration in participants.approved_registrations(session):
            members = list(registration.members.all())
            with translation.override(registration.language):
                pdf = letters.confirmation_letters_pdf(registration=registration, members=members)
            archive.writestr(letters.letters_filename(registration=registration), pdf)
            done += len(members)
            progress(done)
    return buffer.getvalue(), names, f"{session.code}-confirmation-letters.zip"


def document_publish(*, document: GeneratedDocument, by, published: bool = True) -> GeneratedDocument:
    """Shows a ready list of participants (PDF) on the session's page, in place of any published before; or
    withdraws it."""
    require_secretariat(by, "Only the secretariat publishes the list of participants.")
    with transaction.atomic():
        locked = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if published and (locked.kind != Kind.PARTICIPANTS_PDF or locked.status != Status.DONE):
            raise ValidationError("Only a ready list of participants (PDF) can be published.")
        if published:
            GeneratedDocument.objects.filter(session=locked.session, published_at__isnull=False).exclude(
                pk=locked.pk
            ).update(published_at=None, published_by=None)
            locked.published_at, locked.published_by = timezone.now(), by
        else:
            locked.published_at, locked.published_by = None, None
        locked.save(update_fields=["published_at", "published_by"])
        public_pages_changed(session=locked.session_id)  # the session's pages link the published list
        trail.record(
            actor=by,
            action="participants list published" if published else "participants list withdrawn",
            obj=locked,
            object_repr=f"{locked.filename} ({locked.names} names)",
            after={"published_at": locked.published_at},
            session_id=locked.session_id,
        )
    return locked


def published_participants(session_ids) -> dict[int, GeneratedDocument]:
    """{session id: its published list of participants}; one query."""
    documents = GeneratedDocument.objects.filter(session_id__in=list(session_ids), published_at__isnull=False)
    return {document.session_id: document for document in documents}


# Longer than the portal's default task limits (minutes, for a letter): every approved member's letters of a
# COP-sized session (100,000) take one worker about 1 h 45 min. A message Redis delivers again after its visibility
# timeout finds the row claimed and does nothing.
DOCUMENT_SOFT_TIME_LIMIT = 3 * 3600


@shared_task(
    name="registrations.generate_document",
    acks_late=True,
    soft_time_limit=DOCUMENT_SOFT_TIME_LIMIT,
    time_limit=DOCUMENT_SOFT_TIME_LIMIT + 300,
)
def generate_document(document_id: int) -> bool:
    return document_generate(document_id=document_id)


@shared_task(name="registrations.sweep_documents")
def sweep_documents() -> dict[str, int]:
    return documents_sweep()


def published_list_ways_in(sessions, *, now) -> dict:
    """The provider registered with sessions.participation: a session whose list of participants is published shows
    it on its public page. One query for all the sessions."""
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from sessions.participation import WayIn

    published = published_participants(session.pk for session in sessions)
    result = {}
    for session in sessions:
        document = published.get(session.pk)
        if document is None:
            continue
        result[session.pk] = [
            WayIn(
                audience=_("List of participants"),
                state="published",
                status=_("Published on %(date)s") % {"date": date_format(timezone.localtime(document.published_at))},
                how=_("The provisional list of participants, as the secretariat published it."),
                action=_("Download the list of participants (PDF)"),
                url=reverse("registrations:participants_list", kwargs={"slug": session.slug}),
                key="participants",
            )
        ]
    return result
