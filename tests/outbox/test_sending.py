"""The outbox: one row per outgoing mail, one task that claims, sends and records it (real SMTP server, aiosmtpd)."""

import re
import smtplib
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from outbox import sending
from outbox.models import OutgoingMail
from outbox.tasks import send_mail
from tests.invitations.conftest import broker_messages


def queue(django_capture_on_commit_callbacks, **fields) -> OutgoingMail:
    """A mail queued in a transaction; its task is on the (real, Redis) broker once the transaction commits."""
    message = EmailMessage(
        subject=fields.get("subject", "ITS6: registration received"),
        body="Dear focal point,\n\nReceived.",
        to=fields.get("to", ["pm.mex@missions.example.org"]),
        reply_to=["gcm-secretariat@example.org"],
    )
    message.attach("slot.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail = sending.mail_queue(message, kind="registration")
        assert broker_messages()[-1:] != [("outbox.send_mail", [mail.pk], None)]  # not before the commit
    assert len(callbacks) == 1
    assert broker_messages()[-1] == ("outbox.send_mail", [mail.pk], None)
    return mail


@pytest.mark.django_db
def test_a_mail_is_sent_once_when_its_task_runs_twice_with_a_deterministic_message_id(
    smtp_server, redis_broker, django_capture_on_commit_callbacks, settings
):
    mail = queue(django_capture_on_commit_callbacks)
    assert [sending.mail_send(mail_id=mail.pk) for _ in range(2)] == ["sent", "claimed-elsewhere"]
    [message] = smtp_server.messages
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.message_id) == (
        "sent",
        1,
        f"<outbox{mail.pk}@{settings.MESSAGE_ID_DOMAIN}>",
    )
    assert (message["To"], message["Subject"], message["Reply-To"], message["Message-ID"]) == (
        "pm.mex@missions.example.org",
        "ITS6: registration received",
        "gcm-secretariat@example.org",
        mail.message_id,
    )
    [calendar] = [part for part in message.walk() if part.get_filename()]
    assert (calendar.get_filename(), calendar.get_content_type()) == ("slot.ics", "text/calendar")


@pytest.mark.django_db
def test_a_4xx_reply_retries_with_backoff_and_a_5xx_reply_fails_with_the_reply_kept(
    smtp_server, redis_broker, django_capture_on_commit_callbacks, settings
):
    settings.INVITATIONS_RETRY_BASE_SECONDS = 30
    greylisted = queue(django_capture_on_commit_callbacks, to=["grey@example.org"])
    refused = queue(django_capture_on_commit_callbacks, to=["nobody@example.org"])
    smtp_server.replies["grey@example.org"] = ["451 4.7.1 Greylisted"]
    smtp_server.replies["nobody@example.org"] = ["550 5.1.1 No such user"]
    waiting = len(broker_messages())
    started = timezone.now()
    assert sending.mail_send(mail_id=greylisted.pk) == "retrying"
    assert sending.mail_send(mail_id=refused.pk) == "failed"
    finished = timezone.now()
    [(task, args, eta)] = broker_messages()[waiting:]  # the retry only, on the broker, due in 30 s
    assert (task, args) == ("outbox.send_mail", [greylisted.pk])
    assert started + timedelta(seconds=30) <= eta <= finished + timedelta(seconds=30)
    assert sorted(OutgoingMail.objects.values_list("to", "status", "attempts", "last_error")) == [
        (["grey@example.org"], "retrying", 1, "451 4.7.1 Greylisted"),
        (["nobody@example.org"], "failed", 1, "550 5.1.1 No such user"),
    ]


@pytest.mark.django_db
def test_the_outgoing_mail_list_shows_a_refused_mail_with_its_reply_and_it_can_be_sent_again(
    smtp_server, redis_broker, django_capture_on_commit_callbacks, client, secretariat_user, cofacilitator_user
):
    mail = queue(django_capture_on_commit_callbacks, to=["nobody@example.org"])
    smtp_server.replies["nobody@example.org"] = ["550 5.1.1 No such user"]
    assert sending.mail_send(mail_id=mail.pk) == "failed"
    changelist = reverse("admin:outbox_outgoingmail_changelist")
    for user in (secretariat_user, cofacilitator_user):
        client.force_login(user)
        page = client.get(changelist).content.decode()
        assert "550 5.1.1 No such user" in page and "nobody@example.org" in page
        assert client.get(reverse("admin:outbox_outgoingmail_change", args=[mail.pk])).status_code == 200
    assert client.post(reverse("admin:outbox_outgoingmail_delete", args=[mail.pk])).status_code == 403

    waiting = len(broker_messages())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "resend", "_selected_action": [mail.pk]}, follow=True)
    assert "1 queued again." in response.content.decode()
    assert broker_messages()[waiting:] == [("outbox.send_mail", [mail.pk], None)]
    # Who sent which mail again, from what to what: on the trail, and on the mail's page.
    [entry] = AuditEntry.objects.filter(action="mail send again")
    assert (entry.actor_repr, entry.object_id, entry.object_repr, entry.before, entry.after) == (
        cofacilitator_user.email,
        str(mail.pk),
        "ITS6: registration received to nobody@example.org",
        {"status": "failed", "last_error": "550 5.1.1 No such user"},
        {"status": "queued"},
    )
    page = client.get(reverse("admin:outbox_outgoingmail_change", args=[mail.pk])).content.decode()
    assert "mail send again" in page[page.index('<table class="audit-trail">') :]
    assert sending.mail_send(mail_id=mail.pk) == "sent"
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 2, "")
    assert [message["To"] for message in smtp_server.messages] == ["nobody@example.org"]


def outgoing(count: int) -> list[int]:
    """`count` queued mails written in bulk (as a dispatch writes its letters), their ids in order."""
    mails = OutgoingMail.objects.bulk_create(
        OutgoingMail(kind="test", subject=f"Mail {n}", from_email="portal@example.org", to=[f"m{n}@example.org"])
        for n in range(count)
    )
    return [mail.pk for mail in mails]


@pytest.mark.django_db
def test_mails_are_put_on_the_broker_in_batches_each_once_in_order(redis_broker, monkeypatch):
    monkeypatch.setattr(sending, "ENQUEUE_BATCH", 2)
    ids = outgoing(5)
    assert sending.mails_enqueue(ids) == 5
    assert broker_messages() == [("outbox.send_mail", [mail_id], None) for mail_id in ids]
    assert not OutgoingMail.objects.filter(pk__in=ids, enqueued_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_batch_the_broker_fails_is_left_to_the_sweeper_and_the_batches_before_it_are_sent(redis_broker, monkeypatch):
    """The second round trip fails: the first batch is on the broker and marked enqueued; the rest is not marked
    (the sweeper puts it on the broker again once it is overdue; a task that arrives twice sends once)."""
    import redis.client

    monkeypatch.setattr(sending, "ENQUEUE_BATCH", 2)
    execute, calls = redis.client.Pipeline.execute, []

    def failing_second(pipeline, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise redis.exceptions.ConnectionError("Connection refused")
        return execute(pipeline, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", failing_second)
    ids = outgoing(5)
    assert sending.mails_enqueue(ids) == 2
    assert broker_messages() == [("outbox.send_mail", [mail_id], None) for mail_id in ids[:2]]
    assert (
        list(OutgoingMail.objects.filter(enqueued_at__isnull=False).order_by("pk").values_list("pk", flat=True))
        == ids[:2]
    )


@pytest.mark.celery_worker
@pytest.mark.timeout(120)
def test_a_mail_task_delivered_twice_to_a_real_worker_sends_once(smtp_server, celery_worker, monkeypatch):
    monkeypatch.setattr(sending, "mails_enqueue", lambda ids, **queue: 0)  # we put the messages on ourselves
    mail = sending.mail_queue(EmailMessage(subject="Twice", body="Once.", to=["once@example.org"]), kind="test")
    send_mail.delay(mail.pk)
    send_mail.delay(mail.pk)
    deadline = time.monotonic() + 60
    while OutgoingMail.objects.get(pk=mail.pk).status != "sent" and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # let the duplicate run too
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, [m["To"] for m in smtp_server.messages]) == ("sent", 1, ["once@example.org"])


def test_connection_errors_are_transient_and_5xx_replies_are_not():
    assert sending.classify_smtp_error(ConnectionRefusedError(111, "Connection refused")).transient
    assert sending.classify_smtp_error(TimeoutError("timed out")).transient
    assert sending.classify_smtp_error(smtplib.SMTPServerDisconnected("gone")).transient
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 unknown")})
    assert sending.classify_smtp_error(refused) == sending.SmtpFailure(False, "550 5.1.1 unknown")
    data = smtplib.SMTPDataError(452, b"4.3.1 Insufficient storage")
    assert sending.classify_smtp_error(data) == sending.SmtpFailure(True, "452 4.3.1 Insufficient storage")


def test_retry_delays_grow_exponentially_and_are_capped(settings):
    settings.INVITATIONS_RETRY_BASE_SECONDS = 30
    settings.INVITATIONS_RETRY_MAX_SECONDS = 1800
    assert [sending.retry_delay(n) for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1800, 1800]


def test_claiming_and_sending_mail_is_written_once_in_the_outbox(settings):
    """Letters and notifications alike go through outbox.sending: no other module marks a mail "sending", opens an
    SMTP connection or sends messages itself (the letters' own copy of the pipeline is gone)."""
    root = Path(settings.BASE_DIR)
    pattern = re.compile(r"""status\s*=\s*([\w.]*SENDING|["']sending["'])|\bget_connection\(|\.send_messages\(""")
    offenders = sorted(
        str(path.relative_to(root))
        for app in ("audit", "compact_portal", "invitations", "registrations", "sessions")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text())
    )
    assert offenders == []
