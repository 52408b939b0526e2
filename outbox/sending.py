"""The one way the portal sends e-mail, letters and notifications alike: a row per message (OutgoingMail), one task
that claims it with an atomic status change, makes the message (stored, or rendered now by the row's renderer:
outbox.renderers), sends it, and records sent / retrying (SMTP 4xx, connection errors; capped exponential backoff) /
failed (5xx, with the server's reply; or the reason it could not be rendered); a sweeper for rows a dead worker or a
lost broker message left behind; a Message-ID deterministic per row. See README, "Sending letters".

1. The use case writes its rows and puts their tasks on the broker after the commit (mail_queue, or mails_enqueue
   from an on-commit callback for rows written in bulk). If the broker is down then, the rows stay queued and the
   sweeper sends them later.
2. mail_send claims its row with one atomic UPDATE (queued/retrying -> sending); a task that loses the claim does
   nothing, so a task delivered twice sends once. A row held by a process that died is taken over at once.
3. mails_sweep (Celery beat, every SWEEP_INTERVAL_SECONDS, on its own queue) re-queues what a dead worker process
   or a lost message left behind.
"""

import base64
import logging
import smtplib
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit import trail
from outbox import renderers, workers
from outbox.models import OutgoingMail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpFailure:
    transient: bool
    reply: str


def classify_smtp_error(error: Exception) -> SmtpFailure:
    """4xx replies and connection trouble are worth retrying; 5xx replies are final."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return SmtpFailure(transient=400 <= code < 500, reply=_reply(code, reply))
    if isinstance(error, smtplib.SMTPResponseException):
        return SmtpFailure(transient=400 <= error.smtp_code < 500, reply=_reply(error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPServerDisconnected | socket.timeout | ConnectionError | OSError):
        return SmtpFailure(transient=True, reply=f"{type(error).__name__}: {error}")
    return SmtpFailure(transient=False, reply=f"{type(error).__name__}: {error}")


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def retry_delay(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: base, 2 x base, 4 x base ... capped."""
    return min(settings.INVITATIONS_RETRY_MAX_SECONDS, settings.INVITATIONS_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


# --- Queueing --------------------------------------------------------------------------------------------------------


def mail_queue(message: EmailMessage, *, kind: str) -> OutgoingMail:
    """Stores `message` as an outgoing mail and puts its task on the broker after the commit."""
    attachments = []
    for filename, content, mimetype in message.attachments:
        data = content.encode() if isinstance(content, str) else content
        attachments.append({"filename": filename, "mimetype": mimetype, "content": base64.b64encode(data).decode()})
    mail = OutgoingMail.objects.create(
        kind=kind,
        subject=message.subject,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        reply_to=list(message.reply_to or []),
        body=message.body,
        attachments=attachments,
        enqueued_at=timezone.now(),
    )
    transaction.on_commit(lambda: mails_enqueue([mail.pk]), robust=True)
    return mail


ENQUEUE_BATCH = 1000  # tasks per round trip to the broker


def mails_enqueue(ids: list[int], *, queue: str | None = None) -> int:
    """Puts one task per mail on the broker, through one producer, ENQUEUE_BATCH at a time in one round trip (kombu's
    publish batch: one pipeline on Redis; one by one on a broker without batches); stops at the first broker error
    (the sweeper retries later: a batch that failed counts as not sent, and a task that arrives twice sends once).
    `queue="sweeper"`: the sweeper's own queue, for mails it rescues (they do not wait behind a dispatch of 20,000
    letters)."""
    from outbox.tasks import send_mail

    if not ids:
        return 0
    sent = 0
    options = {"queue": queue} if queue else {}
    try:
        with send_mail.app.producer_or_acquire() as producer:
            for start in range(0, len(ids), ENQUEUE_BATCH):
                chunk = ids[start : start + ENQUEUE_BATCH]
                with producer.batch(max_size=len(chunk)):  # flushed on leaving: then, and only then, on the broker
                    for mail_id in chunk:
                        send_mail.apply_async((mail_id,), producer=producer, retry=False, **options)
                sent += len(chunk)
    except Exception:
        logger.warning(
            "broker unavailable: %s of %s mails left for the sweeper", len(ids) - sent, len(ids), exc_info=True
        )
    if sent:
        OutgoingMail.objects.filter(pk__in=ids[:sent]).update(enqueued_at=timezone.now())
    return sent


def mails_resend(mails) -> list[int]:
    """The failed ones of `mails` (a queryset), queued again in the current transaction and put on the broker after
    the commit; returns their ids. A mail that names a renderer is made again from its row (a letter: its pinned
    text)."""
    with transaction.atomic():
        # Locked first (PostgreSQL): two resends of one mail count it once, as they change it once.
        failed = list(
            mails.filter(status=OutgoingMail.Status.FAILED)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", "renderer")
        )
        ids = [pk for pk, _renderer in failed]
        if ids:
            OutgoingMail.objects.filter(pk__in=ids, status=OutgoingMail.Status.FAILED).update(
                status=OutgoingMail.Status.QUEUED, next_attempt_at=None, enqueued_at=timezone.now()
            )
            for renderer in {renderer for _pk, renderer in failed}:
                ids_of = [pk for pk, of in failed if of == renderer]
                renderers.counted(renderer, ids_of, status=OutgoingMail.Status.FAILED, change=-1)
            transaction.on_commit(lambda: mails_enqueue(ids), robust=True)
    return ids


def may_resend(user, mail: OutgoingMail) -> bool:
    """Whether `user` may send `mail` again: the outbox's permission, and its renderer's rule if it has one (a
    letter: only those who may send letters)."""
    if not user.has_perm("outbox.resend_outgoingmail"):
        return False
    renderer = renderers.all_renderers().get(mail.renderer)
    return renderer is None or renderer.may_resend is None or renderer.may_resend(user)


def mail_resend(*, mail: OutgoingMail, by=None) -> bool:
    """A failed mail, queued again (the admin's "send again"), on the audit trail: who, which mail, failed (with the
    server's last reply) -> queued. `by` must be allowed to (may_resend: a letter only by those who send letters);
    None is an operator. Returns whether it was queued again."""
    if by is not None and not may_resend(by, mail):
        return False
    with transaction.atomic():
        again = bool(mails_resend(OutgoingMail.objects.filter(pk=mail.pk)))
        if again:
            trail.record(
                actor=by,
                action="mail send again",
                obj=mail,
                object_repr=f"{mail.subject} to {', '.join(mail.to)}",
                before={"status": OutgoingMail.Status.FAILED, "last_error": mail.last_error},
                after={"status": OutgoingMail.Status.QUEUED},
            )
    return again


# --- Sending ---------------------------------------------------------------------------------------------------------


def message_id(mail: OutgoingMail) -> str:
    return f"<outbox{mail.pk}@{settings.MESSAGE_ID_DOMAIN}>"


def mail_claim(*, mail_id: int, now=None) -> bool:
    """The one atomic step that makes a mail this process's to send: a queued or due mail, or one a dead worker
    process left `sending` (outbox.workers: its pid is gone on this host, or its heartbeat is old)."""
    now = now or timezone.now()
    claim = {"status": OutgoingMail.Status.SENDING, "claimed_at": now, "claimed_by": workers.claimant(now=now)}
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.RETRYING])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, **claim)
    )
    if claimed:
        return True
    sending = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING)
    if (found := workers.held_by_dead(sending, pk=mail_id, fields=("claimed_at",), now=now)) is None:
        return False
    row, held = found
    if taken := row.update(attempts=F("attempts") + 1, **claim):
        logger.warning("mail %s: taken over from %s, a worker process that died", mail_id, held["claimed_by"])
    return taken == 1


def mail_message(mail: OutgoingMail) -> EmailMessage:
    """The message as it travels: made by the mail's renderer (which may raise RenderError), or as stored."""
    if mail.renderer:
        return renderers.render(mail)
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email,
        to=mail.to,
        reply_to=mail.reply_to or None,
        headers={"Message-ID": message_id(mail)},
    )
    for attachment in mail.attachments:
        message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
    return message


def mail_send(*, mail_id: int) -> str:
    """Claims, makes, sends and records one mail. Returns what happened: claimed-elsewhere, sent, retrying, failed.
    Never raises for an SMTP problem or a mail that cannot be made: the row records it."""
    if not mail_claim(mail_id=mail_id):
        return "claimed-elsewhere"
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        message = mail_message(mail)
    except Exception as error:  # a retry would fail the same way (RenderTimeout, DocumentTooLong …): fail, say why
        logger.exception("mail %s could not be made", mail_id)
        reply = str(error) if isinstance(error, renderers.RenderError) else f"The mail could not be made: {error}"
        return _record_failure(mail, SmtpFailure(transient=False, reply=reply))
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message])
    except Exception as error:
        return _record_failure(mail, classify_smtp_error(error))
    _settle(
        mail,
        OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
        message_id=message.extra_headers.get("Message-ID") or message_id(mail),
        last_error="",
        next_attempt_at=None,
    )
    return "sent"


def _settle(mail: OutgoingMail, status: str, **fields) -> bool:
    """`mail`, still `sending`, becomes `status` (sent, retrying, failed), and its renderer's app counts it, in one
    transaction. Whether it changed: a mail that is no longer `sending` (another process sent it meanwhile, after
    a takeover) keeps what that process recorded."""
    with transaction.atomic():
        changed = OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.SENDING).update(
            status=status, **fields
        )
        if changed and status in (OutgoingMail.Status.SENT, OutgoingMail.Status.FAILED):
            renderers.counted(mail.renderer, [mail.pk], status=status, change=+1)
    return bool(changed)


def _record_failure(mail: OutgoingMail, failure: SmtpFailure) -> str:
    from outbox.tasks import send_mail

    if failure.transient and mail.attempts < settings.INVITATIONS_MAX_ATTEMPTS:
        delay = retry_delay(mail.attempts)
        due = timezone.now() + timedelta(seconds=delay)
        # enqueued_at is when the countdown message becomes active: the sweeper waits past it before re-queuing.
        if not _settle(
            mail, OutgoingMail.Status.RETRYING, last_error=failure.reply, next_attempt_at=due, enqueued_at=due
        ):
            return "claimed-elsewhere"
        try:
            send_mail.apply_async((mail.pk,), countdown=delay)
        except Exception:
            logger.warning("mail %s: broker unavailable for the retry; the sweeper will send it", mail.pk)
        return "retrying"
    if not _settle(mail, OutgoingMail.Status.FAILED, last_error=failure.reply, next_attempt_at=None):
        return "claimed-elsewhere"
    return "failed"


# --- Sweeping --------------------------------------------------------------------------------------------------------

ORPHANED = "The worker stopped while sending; queued again by the sweeper."


def mails_sweep(*, now=None) -> dict[str, int]:
    """Re-queues mails left behind: claimed by a worker process that died (outbox.workers; or `sending` past
    INVITATIONS_SENDING_TIMEOUT_SECONDS, a last resort), or whose task never ran (`queued`/`retrying` long past
    their time: the broker was down or lost the message). Rescued mails go on the sweeper's own queue."""
    now = now or timezone.now()
    sending = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING)
    dead = workers.dead_claimants(sending, now=now)
    stale = now - timedelta(seconds=settings.INVITATIONS_SENDING_TIMEOUT_SECONDS)
    lost = list(sending.filter(Q(claimed_by__in=dead) | Q(claimed_at__lt=stale)).values_list("pk", flat=True))
    orphaned = OutgoingMail.objects.filter(pk__in=lost, status=OutgoingMail.Status.SENDING).update(
        status=OutgoingMail.Status.RETRYING,
        next_attempt_at=now,
        enqueued_at=None,  # its message is gone with the worker: put it on the broker now
        last_error=ORPHANED,
    )
    rescued = mails_enqueue(lost, queue="sweeper") if orphaned else 0
    overdue = now - timedelta(seconds=settings.INVITATIONS_REQUEUE_AFTER_SECONDS)
    due = list(
        OutgoingMail.objects.filter(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.RETRYING])
        .exclude(pk__in=lost)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=overdue))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    requeued = rescued + mails_enqueue(due)
    workers.forget_dead(now=now)
    if orphaned or requeued:
        logger.info("sweeper: %s orphaned mails reset, %s put on the broker again", orphaned, requeued)
    return {"orphaned": orphaned, "requeued": requeued}
