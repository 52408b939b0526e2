"""The one way a notification is sent: a row per message (OutgoingMail), one task that claims it with an atomic
status change, sends it, and records sent / retrying (SMTP 4xx, connection errors; capped exponential backoff) /
failed (5xx, with the server's reply); a sweeper for rows a dead worker or a lost broker message left behind; a
Message-ID deterministic per row. Letters (invitations) use the same classification, backoff and liveness."""

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
from outbox import workers
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


def mails_enqueue(ids: list[int], *, queue: str | None = None) -> int:
    """One task per mail on the broker; stops at the first broker error (the sweeper retries later)."""
    from outbox.tasks import send_mail

    sent = 0
    options = {"queue": queue} if queue else {}
    try:
        for mail_id in ids:
            send_mail.apply_async((mail_id,), retry=False, **options)
            sent += 1
    except Exception:
        logger.warning("broker unavailable: %s of %s mails left for the sweeper", len(ids) - sent, len(ids))
    if sent:
        OutgoingMail.objects.filter(pk__in=ids[:sent]).update(enqueued_at=timezone.now())
    return sent


def mail_resend(*, mail: OutgoingMail, by=None) -> bool:
    """A failed mail, queued again (the admin's "send again"), on the audit trail: who, which mail, failed (with the
    server's last reply) -> queued. Returns whether it was failed."""
    with transaction.atomic():
        again = OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.FAILED).update(
            status=OutgoingMail.Status.QUEUED, next_attempt_at=None, enqueued_at=timezone.now()
        )
        if again:
            trail.record(
                actor=by,
                action="mail send again",
                obj=mail,
                object_repr=f"{mail.subject} to {', '.join(mail.to)}",
                before={"status": OutgoingMail.Status.FAILED, "last_error": mail.last_error},
                after={"status": OutgoingMail.Status.QUEUED},
            )
            transaction.on_commit(lambda: mails_enqueue([mail.pk]), robust=True)
    return bool(again)


# --- Sending ---------------------------------------------------------------------------------------------------------


def message_id(mail: OutgoingMail) -> str:
    return f"<outbox{mail.pk}@{settings.MESSAGE_ID_DOMAIN}>"


def mail_claim(*, mail_id: int, now=None) -> bool:
    """The one atomic step that makes a mail this process's to send (or takes it over from a dead process)."""
    now = now or timezone.now()
    worker = workers.beat(now=now)
    claim = {"status": OutgoingMail.Status.SENDING, "claimed_at": now, "claimed_by": worker}
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.RETRYING])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=F("attempts") + 1, **claim)
    )
    if claimed:
        return True
    held = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.SENDING)
    held = held.values("claimed_by", "claimed_at").first()
    if held is None or not held["claimed_by"] or workers.is_alive(held["claimed_by"], now=now):
        return False
    taken = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.SENDING, **held)
    return taken.update(attempts=F("attempts") + 1, **claim) == 1


def mail_send(*, mail_id: int) -> str:
    """Claims, sends and records one mail: claimed-elsewhere, sent, retrying or failed. Never raises for SMTP."""
    if not mail_claim(mail_id=mail_id):
        return "claimed-elsewhere"
    mail = OutgoingMail.objects.get(pk=mail_id)
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
    try:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages([message])
    except Exception as error:
        return _record_failure(mail, classify_smtp_error(error))
    OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.SENDING).update(
        status=OutgoingMail.Status.SENT, sent_at=timezone.now(), message_id=message_id(mail), last_error=""
    )
    return "sent"


def _record_failure(mail: OutgoingMail, failure: SmtpFailure) -> str:
    from outbox.tasks import send_mail

    if failure.transient and mail.attempts < settings.INVITATIONS_MAX_ATTEMPTS:
        delay = retry_delay(mail.attempts)
        due = timezone.now() + timedelta(seconds=delay)
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=OutgoingMail.Status.RETRYING, last_error=failure.reply, next_attempt_at=due, enqueued_at=due
        )
        try:
            send_mail.apply_async((mail.pk,), countdown=delay)
        except Exception:
            logger.warning("mail %s: broker unavailable for the retry; the sweeper will send it", mail.pk)
        return "retrying"
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.FAILED, last_error=failure.reply, next_attempt_at=None
    )
    return "failed"


def mails_sweep(*, now=None) -> dict[str, int]:
    """Re-queues mails a dead worker process left `sending`, and mails whose task never ran (as the letters')."""
    now = now or timezone.now()
    sending = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING)
    claimants = set(sending.exclude(claimed_by="").values_list("claimed_by", flat=True))
    dead = [name for name in claimants if not workers.is_alive(name, now=now)]
    stale = now - timedelta(seconds=settings.INVITATIONS_SENDING_TIMEOUT_SECONDS)
    lost = list(sending.filter(Q(claimed_by__in=dead) | Q(claimed_at__lt=stale)).values_list("pk", flat=True))
    orphaned = OutgoingMail.objects.filter(pk__in=lost, status=OutgoingMail.Status.SENDING).update(
        status=OutgoingMail.Status.RETRYING, next_attempt_at=now, enqueued_at=None
    )
    rescued = mails_enqueue(lost, queue="sweeper") if orphaned else 0
    overdue = now - timedelta(seconds=settings.INVITATIONS_REQUEUE_AFTER_SECONDS)
    due = list(
        OutgoingMail.objects.filter(status__in=[OutgoingMail.Status.QUEUED, OutgoingMail.Status.RETRYING])
        .exclude(pk__in=lost)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=overdue))
        .values_list("pk", flat=True)
    )
    return {"orphaned": orphaned, "requeued": rescued + mails_enqueue(due)}
