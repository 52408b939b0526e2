"""Sending a letter: one dispatch, one delivery per address, each sent exactly once by whichever task claims it.

The database is the source of truth; the broker only carries wake-ups. See README, "Sending letters".
1. dispatch_create writes the dispatch and its deliveries in one transaction and puts their tasks on the broker
   only after the commit. If the broker is down then, the rows stay queued and the sweeper sends them later.
2. delivery_send claims its row with one atomic UPDATE (queued/retrying -> sending); a task that loses the claim
   does nothing, so a task delivered twice sends once.
3. It renders, sends and records: sent with its Message-ID, or retrying (4xx, connection errors) with capped
   exponential backoff, or failed (5xx) with the server's reply.
4. deliveries_sweep (Celery beat, every SWEEP_INTERVAL_SECONDS, on its own queue) re-queues what a dead worker
   process or a lost message left behind; a redelivered task takes over at once from a dead process on its host.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from audit import trail
from compact_portal import permissions
from invitations import audiences, rendering
from invitations.models import Delivery, Dispatch, Letter
from invitations.services import letter_revision_for
from outbox import workers
from outbox.sending import SmtpFailure, classify_smtp_error, retry_delay

logger = logging.getLogger(__name__)


# --- Creating a dispatch ---------------------------------------------------------------------------------------------


def dispatch_create(
    *, letter: Letter, audience: str, by, key: uuid.UUID | None = None, csv_text: str | None = None
) -> Dispatch:
    """Sends `letter` to `audience`. Idempotent per `key` (the send form's): a second submit returns the first
    dispatch. Addresses that already have this letter, from any dispatch, are left out and counted.
    `by` is the user who sends, or None for an operator at the command line (who has the server already)."""
    _check_may_send(by)
    if key is not None and (existing := Dispatch.objects.filter(key=key).first()):
        return existing
    audience_list = audiences.audience_recipients(letter=letter, audience=audience, csv_text=csv_text)
    # In address order: two sends inserting the same addresses take their index locks in the same order.
    recipients = sorted(audience_list.recipients, key=lambda recipient: recipient.email)
    try:
        with transaction.atomic():
            # Sends of one letter take turns (a row lock on PostgreSQL; SQLite's IMMEDIATE transactions already
            # do): the second reads what the first wrote, so it leaves those addresses out and counts them.
            Letter.objects.select_for_update().filter(pk=letter.pk).first()
            dispatch = Dispatch(letter=letter, audience=audience, created_by=by, key=key or uuid.uuid4())
            dispatch.without_email = "\n".join(audience_list.without_email)
            dispatch.full_clean()
            dispatch.save()
            now, already = timezone.now(), _addresses_with(letter)
            fresh = [recipient for recipient in recipients if recipient.email not in already]
            # Each delivery is pinned to the frozen text of its language: later edits never reach it.
            revisions = {
                language: letter_revision_for(letter=letter, language=language)
                for language in {recipient.language or letter.language for recipient in fresh}
            }
            # Conflicts are skipped, never raised: the unique constraints on the lower-cased address are the last
            # word on who has each address, and an address another send wrote first is counted as already sent.
            Delivery.objects.bulk_create(
                (
                    Delivery(
                        dispatch=dispatch,
                        letter=letter,
                        revision=revisions[recipient.language or letter.language],
                        mission_id=recipient.mission_id,
                        email=recipient.email,
                        recipient_name=recipient.name,
                        recipient_code=recipient.code,
                        values=recipient.values,
                        enqueued_at=now,
                    )
                    for recipient in fresh
                ),
                ignore_conflicts=True,
            )
            ids = list(dispatch.deliveries.order_by("pk").values_list("pk", flat=True))
            dispatch.already_sent = len(recipients) - len(ids)
            Dispatch.objects.filter(pk=dispatch.pk).update(already_sent=dispatch.already_sent)
            trail.record(
                actor=by,
                action="letter send",
                obj=dispatch,
                after={
                    "letter": str(letter),
                    "audience": audience,
                    "deliveries": len(ids),
                    "already_sent": dispatch.already_sent,
                },
                session_id=letter.session_id,
            )
            transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    except IntegrityError:
        # Two submits of one form raced: the other one committed first, and its dispatch is this one.
        if key is not None and (existing := Dispatch.objects.filter(key=key).first()):
            return existing
        raise
    logger.info("dispatch %s: %s deliveries queued, %s already sent", dispatch.pk, len(ids), dispatch.already_sent)
    return dispatch


def _addresses_with(letter: Letter) -> set[str]:
    return set(Delivery.objects.filter(letter=letter).values_list("email", flat=True))


def _check_may_send(user) -> None:
    if user is not None and not permissions.is_cofacilitator(user):
        raise PermissionDenied("Only co-facilitators may send letters.")


def enqueue_deliveries(ids: list[int], *, queue: str | None = None) -> int:
    """Puts one task per delivery on the broker; stops at the first broker error (the sweeper retries later).
    `queue="sweeper"`: the sweeper's own queue, for deliveries it rescues (they do not wait behind a dispatch)."""
    from invitations.tasks import deliver

    if not ids:
        return 0
    sent = 0
    options = {"queue": queue} if queue else {}
    try:
        with deliver.app.producer_or_acquire() as producer:
            for delivery_id in ids:
                deliver.apply_async((delivery_id,), producer=producer, retry=False, **options)
                sent += 1
    except Exception:
        logger.warning(
            "broker unavailable: %s of %s deliveries left for the sweeper", len(ids) - sent, len(ids), exc_info=True
        )
    if sent:
        Delivery.objects.filter(pk__in=ids[:sent]).update(enqueued_at=timezone.now())
    return sent


def dispatch_resend_failed(*, dispatch: Dispatch, by) -> int:
    """Queues the failed deliveries of `dispatch` again; returns how many."""
    _check_may_send(by)
    with transaction.atomic():
        ids = list(dispatch.deliveries.filter(status=Delivery.Status.FAILED).values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED, next_attempt_at=None, enqueued_at=timezone.now()
        )
        if ids:
            trail.record(
                actor=by,
                action="letter resend failed",
                obj=dispatch,
                after={"deliveries": len(ids)},
                session_id=dispatch.letter.session_id,
            )
        transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return len(ids)


# --- Sending one delivery --------------------------------------------------------------------------------------------


def delivery_claim(*, delivery_id: int, now=None) -> bool:
    """The one atomic step that makes a delivery this process's to send: a queued or due delivery, or one a dead
    worker process left `sending` (outbox.workers: its pid is gone on this host, or its heartbeat is old)."""
    now = now or timezone.now()
    worker = workers.beat(now=now)
    claim = {"status": Delivery.Status.SENDING, "claimed_at": now, "claimed_by": worker, "attempts": F("attempts") + 1}
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(**claim)
    )
    if claimed:
        return True
    held = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING).values("claimed_by", "claimed_at")
    held = held.first()
    if held is None or not held["claimed_by"] or workers.is_alive(held["claimed_by"], now=now):
        return False
    taken = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING, **held).update(**claim)
    if taken:
        logger.warning("delivery %s: taken over from %s, a worker process that died", delivery_id, held["claimed_by"])
    return taken == 1


def delivery_send(*, delivery_id: int) -> str:
    """Claims, renders, sends and records one delivery. Returns what happened: claimed-elsewhere, sent, retrying,
    failed. Never raises for an SMTP problem: the row records it."""
    if not delivery_claim(delivery_id=delivery_id):
        return "claimed-elsewhere"
    delivery = Delivery.objects.select_related("letter__session__process", "letter__session__venue", "revision").get(
        pk=delivery_id
    )
    try:
        message = rendering.delivery_email(delivery)
    except Exception as error:  # RenderTimeout and DocumentTooLong say why; a retry would fail the same way
        logger.exception("delivery %s: the letter could not be rendered", delivery_id)
        return _record_failure(
            delivery, SmtpFailure(transient=False, reply=f"The letter could not be rendered: {error}")
        )
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message])
    except Exception as error:
        return _record_failure(delivery, classify_smtp_error(error))
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers["Message-ID"],
        last_error="",
        next_attempt_at=None,
    )
    return "sent"


def _record_failure(delivery: Delivery, failure: SmtpFailure) -> str:
    from invitations.tasks import deliver

    if failure.transient and delivery.attempts < settings.INVITATIONS_MAX_ATTEMPTS:
        delay = retry_delay(delivery.attempts)
        due = timezone.now() + timedelta(seconds=delay)
        # enqueued_at is when the countdown message becomes active: the sweeper waits past it before re-queuing.
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.RETRYING, last_error=failure.reply, next_attempt_at=due, enqueued_at=due
        )
        try:
            deliver.apply_async((delivery.pk,), countdown=delay)
        except Exception:
            logger.warning("delivery %s: broker unavailable for the retry; the sweeper will send it", delivery.pk)
        return "retrying"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, last_error=failure.reply, next_attempt_at=None
    )
    return "failed"


# --- Sweeping --------------------------------------------------------------------------------------------------------


def deliveries_sweep(*, now=None) -> dict[str, int]:
    """Re-queues deliveries left behind: claimed by a worker process that died (outbox.workers; or `sending` past
    INVITATIONS_SENDING_TIMEOUT_SECONDS, a last resort), or whose task never ran (`queued`/`retrying` long past
    their time: the broker was down or lost the message). Rescued deliveries go on the sweeper's own queue."""
    now = now or timezone.now()
    sending = Delivery.objects.filter(status=Delivery.Status.SENDING)
    claimants = set(sending.exclude(claimed_by="").values_list("claimed_by", flat=True))
    dead = [name for name in claimants if not workers.is_alive(name, now=now)]
    stale = now - timedelta(seconds=settings.INVITATIONS_SENDING_TIMEOUT_SECONDS)
    lost = list(sending.filter(Q(claimed_by__in=dead) | Q(claimed_at__lt=stale)).values_list("pk", flat=True))
    orphaned = Delivery.objects.filter(pk__in=lost, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.RETRYING,
        next_attempt_at=now,
        enqueued_at=None,  # its message is gone with the worker: put it on the broker now
        last_error="The worker stopped while sending; queued again by the sweeper.",
    )
    rescued = enqueue_deliveries(lost, queue="sweeper") if orphaned else 0
    overdue = now - timedelta(seconds=settings.INVITATIONS_REQUEUE_AFTER_SECONDS)
    due = list(
        Delivery.objects.filter(status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING])
        .exclude(pk__in=lost)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=overdue))
        .values_list("pk", flat=True)
    )
    requeued = rescued + enqueue_deliveries(due)
    workers.forget_dead(now=now)
    if orphaned or requeued:
        logger.info("sweeper: %s orphaned deliveries reset, %s put on the broker again", orphaned, requeued)
    return {"orphaned": orphaned, "requeued": requeued}


# --- Progress --------------------------------------------------------------------------------------------------------


def dispatch_progress(dispatch: Dispatch) -> dict:
    counts = dict(dispatch.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    total = sum(counts.values())
    sent, failed = counts.get(Delivery.Status.SENT, 0), counts.get(Delivery.Status.FAILED, 0)
    return {
        "total": total,
        "sent": sent,
        "failed": failed,
        "pending": total - sent - failed,
        "retrying": counts.get(Delivery.Status.RETRYING, 0),
        "done": total == sent + failed,
        "percent_sent": round(100 * sent / total, 1) if total else 100.0,
        "percent_failed": round(100 * failed / total, 1) if total else 0.0,
    }
