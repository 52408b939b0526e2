import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError


class Command(BaseCommand):
    help = "Checks that the database, Redis and SMTP server named by the environment answer; one line per failure."

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker", type=float, metavar="SECONDS", help="Also wait up to SECONDS for a Celery worker to run a task."
        )

    def handle(self, *args, worker=None, **options):
        problems = []
        try:
            connection.ensure_connection()
        except OperationalError as error:
            problems.append(f"DATABASE_URL: cannot connect to the database ({_first_line(error)})")
        if settings.REDIS_URL:
            problems += _reachable("REDIS_URL", settings.REDIS_URL, default_port=6379)
        if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
            problems += _reachable("EMAIL_URL", f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}", default_port=25)
        if problems:
            raise CommandError("\n".join(problems))
        if worker:
            _wait_for_worker(worker)
        self.stdout.write("Services answer: " + ", ".join(_names()) + (", worker" if worker else ""))


def _wait_for_worker(seconds: float) -> None:
    from compact_portal.tasks import worker_heartbeat

    token = uuid.uuid4().hex
    worker_heartbeat.delay(token)
    proof = Path(settings.VAR_DIR) / "heartbeats" / token
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proof.exists():
            proof.unlink()
            return
        time.sleep(0.2)
    raise CommandError(f"no Celery worker ran a task within {seconds:g} s (broker: {settings.CELERY_BROKER_URL})")


def _names() -> list[str]:
    names = [connection.vendor]
    names.append("redis" if settings.REDIS_URL else "filesystem broker")
    names.append("smtp" if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") else "outbox folder")
    return names


def _reachable(variable: str, url: str, *, default_port: int) -> list[str]:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=3):
            return []
    except OSError as error:
        return [f"{variable}: cannot connect to {parts.hostname}:{parts.port or default_port} ({error})"]


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
