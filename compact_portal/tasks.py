from pathlib import Path

from celery import shared_task
from django.conf import settings


@shared_task(name="compact_portal.worker_heartbeat")
def worker_heartbeat(token: str) -> None:
    """Leaves a file that `check_services --worker` waits for: proof that a worker takes tasks from the broker."""
    folder = Path(settings.VAR_DIR) / "heartbeats"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / token).touch()
