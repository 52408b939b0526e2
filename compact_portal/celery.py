"""The Celery application. Tasks live in each app's tasks.py and are found by autodiscovery."""

import ctypes
import fcntl
import logging
import os
import signal

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compact_portal.settings")

app = Celery("compact_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs):
    # The embedded default's broker is a folder: it must exist before the first message is written.
    if sender.conf.broker_url.startswith("filesystem://"):
        from pathlib import Path

        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(sender.conf.broker_transport_options[key]).mkdir(parents=True, exist_ok=True)


# The lock file stays open (and locked) for the life of the beat process.
_beat_lock = None


@signals.beat_init.connect
def _one_beat_per_var_dir(sender, **kwargs):
    """Two beats fire every periodic task twice: a beat waits until it holds VAR_DIR/celerybeat.lock.

    The lock is the kernel's (flock): it goes with the process that holds it, however that process ends. A beat
    embedded in a worker (`worker --beat`) is also told to end with its worker, never to outlive it as an orphan.
    """
    global _beat_lock
    from billiard.process import current_process
    from django.conf import settings

    process = current_process()
    if process.name == "Beat":  # embedded: a child process of the worker
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != process._parent_pid:  # the worker died before the line above
            os._exit(1)
    path = settings.VAR_DIR / "celerybeat.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path, "a+")  # noqa: SIM115 (held open until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "unknown"
        logger.warning("beat: another beat (pid %s) holds %s; waiting until it stops", holder, path)
        fcntl.flock(lock, fcntl.LOCK_EX)
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    _beat_lock = lock
    logger.info("beat: holds %s", path)
