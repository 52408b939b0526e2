"""A real SMTP server (aiosmtpd, in-process) with programmable replies, and a real Celery worker against Redis."""

import base64
import json
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import require_service


@dataclass
class SmtpSink:
    """Stores what it accepts. `replies[address]` is a list of SMTP replies given, one per attempt, to RCPT TO for
    that address before it is accepted (e.g. ["451 4.3.0 Try again later"] or ["550 5.1.1 No such user"] * 99)."""

    messages: list[Message] = field(default_factory=list)
    replies: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            pending = self.replies.get(address.lower())
            if pending:
                return pending.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Points Django's SMTP backend at a fresh in-process server; yields its sink."""
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield sink
    controller.stop()


# CI's own Redis, or on a developer's machine the local one. Every test process (pytest-xdist workers, two runs
# side by side) keeps its broker keys under a prefix of its own, so none consumes or deletes another's tasks.
TEST_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
TEST_BROKER_KEY_PREFIX = f"test-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}:"


@pytest.fixture
def redis_broker(settings):
    """Celery's app on a Redis broker of its own (a key prefix of this process), emptied first; restored afterwards."""
    require_service("Redis", TEST_REDIS_URL, 6379)
    import redis

    from compact_portal.celery import app

    client = redis.Redis.from_url(TEST_REDIS_URL)
    stale = list(client.scan_iter(match=f"{TEST_BROKER_KEY_PREFIX}*"))
    if stale:
        client.delete(*stale)
    saved = (app.conf.broker_url, app.conf.broker_transport_options, app.conf.broker_transport)
    app.conf.broker_transport_options = {"visibility_timeout": 7200, "global_keyprefix": TEST_BROKER_KEY_PREFIX}
    # The embedded default names its transport (compact_portal.broker) explicitly: Redis is chosen by the URL.
    app.conf.broker_transport = None
    use_broker(app, TEST_REDIS_URL)
    yield app
    app.conf.broker_transport_options, app.conf.broker_transport = saved[1], saved[2]
    use_broker(app, saved[0])


def broker_messages() -> list[tuple[str, list, datetime | None]]:
    """The task messages waiting on this process's Redis broker (`redis_broker`, default queue), oldest first:
    (task name, args, eta). What a use case put on the broker, read from the broker itself."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL)
    messages = []
    for raw in reversed(client.lrange(f"{TEST_BROKER_KEY_PREFIX}celery", 0, -1)):  # pushed on the left
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        eta = message["headers"].get("eta")
        messages.append((message["headers"]["task"], args, datetime.fromisoformat(eta) if eta else None))
    return messages


def use_broker(app, url: str) -> None:
    """Points the app at another broker. Celery keeps pooled connections (and a producer pool on top of them) to
    the broker it first used; both are dropped so the next publish connects to `url`. The embedded default names
    its own transport class (CELERY_BROKER_TRANSPORT), which would win over another URL's scheme: it is kept only
    for filesystem:// URLs."""
    from django.conf import settings

    app.conf.broker_url = url
    filesystem = url.startswith("filesystem://")
    app.conf.broker_transport = getattr(settings, "CELERY_BROKER_TRANSPORT", None) if filesystem else None
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(redis_broker, transactional_db):
    """A real worker (celery.contrib.testing) consuming from Redis in a thread; tasks run as in production."""
    from celery.contrib.testing.worker import start_worker
    from django.db import connections

    with start_worker(redis_broker, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    connections.close_all()


def delivery_with_mail(*, status: str = "queued", sent_at=None, **fields):
    """A delivery as dispatch_create writes it, with its outgoing mail in `status` (mail fields: attempts,
    message_id, last_error, ...; the rest are the delivery's), its dispatch's counts kept. For tests that need rows in
    a given state."""
    from django.utils import timezone

    from invitations.dispatch import KIND, RENDERER, dispatch_recount
    from invitations.models import Delivery
    from outbox.models import OutgoingMail

    mail_fields = {name: fields.pop(name) for name in ("attempts", "message_id", "last_error") if name in fields}
    mail = OutgoingMail.objects.create(
        kind=KIND,
        renderer=RENDERER,
        subject="Letter",
        from_email="noreply@example.org",
        to=[fields["email"]],
        body="",
        status=status,
        sent_at=sent_at or (timezone.now() if status == "sent" else None),
        **mail_fields,
    )
    delivery = Delivery.objects.create(mail=mail, **fields)
    dispatch_recount(delivery.dispatch)  # its dispatch's kept counts, as dispatch_create and the outbox keep them
    return delivery
