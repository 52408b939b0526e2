"""Which worker processes are alive. A row a process claims (`sending`) names the process (`host:pid`); when that
process is dead, the row is another's to take over at once, instead of after a fixed timeout:
- on the same host, a claimant whose pid no longer runs is dead (a redelivered task sees it at once);
- anywhere, a claimant whose heartbeat is older than WORKER_DEAD_AFTER_SECONDS is dead (the sweeper sees it).
Each prefork child beats every WORKER_HEARTBEAT_SECONDS from a thread of its own; a process without that thread (the
solo and thread pools, the test suite's worker) beats on each claim instead."""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from outbox.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

_HOST = socket.gethostname()
_started: dict[int, datetime] = {}  # pid -> when this process first beat
_thread_for_pid: int | None = None


def this_worker() -> str:
    return f"{_HOST}:{os.getpid()}"


def beat(*, now: datetime | None = None) -> str:
    """Records that this process is alive now; returns its name."""
    now = now or timezone.now()
    name = this_worker()
    started = _started.setdefault(os.getpid(), now)
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": now, "started_at": started})
    return name


def claimant(*, now: datetime | None = None) -> str:
    """The name a claim records: this process's. It beats here only when no heartbeat thread of its own runs (a
    claim then costs no write of its own in a prefork child)."""
    if _thread_for_pid == os.getpid():
        return this_worker()
    return beat(now=now)


def alive(names, *, now: datetime | None = None) -> set[str]:
    """Which of the processes `names` (host:pid) may still be working on what they claimed: one query for all."""
    names = set(names)
    now = now or timezone.now()
    living = {""} & names  # claimed before names were recorded: only the sending timeout decides
    candidates = {name for name in names if name and not _gone_from_this_host(name)}
    if candidates:
        recent = WorkerHeartbeat.objects.filter(name__in=candidates, beat_at__gte=now - dead_after())
        living |= set(recent.values_list("name", flat=True))
    return living


def is_alive(name: str, *, now: datetime | None = None) -> bool:
    """Whether the process `name` (host:pid) may still be working on what it claimed."""
    return name in alive([name], now=now)


def dead_claimants(rows, *, now: datetime | None = None) -> set[str]:
    """The processes named in `rows`' claimed_by (a queryset of claimed rows) that are dead: one query for all."""
    claimants = set(rows.exclude(claimed_by="").order_by().values_list("claimed_by", flat=True).distinct())
    return claimants - alive(claimants, now=now)


def held_by_dead(rows, *, pk: int, fields: tuple[str, ...], now: datetime | None = None):
    """Row `pk` of `rows` (a queryset of claimed rows) if the process that claimed it is dead: (a queryset of exactly
    that row as it was read, so that a concurrent takeover updates nothing; what was read: claimed_by and `fields`).
    None when the row is not there, was claimed before claimants were named, or its claimant is alive."""
    held = rows.filter(pk=pk).values("claimed_by", *fields).first()
    if held is None or not held["claimed_by"] or is_alive(held["claimed_by"], now=now):
        return None
    return rows.filter(pk=pk, **held), held


def alive_workers(*, now: datetime | None = None) -> list[str]:
    """Names of the worker processes whose heartbeat is recent, e.g. for `send_invitations --wait`: one query."""
    now = now or timezone.now()
    names = WorkerHeartbeat.objects.filter(beat_at__gte=now - dead_after()).values_list("name", flat=True)
    return [name for name in names if not _gone_from_this_host(name)]


def _gone_from_this_host(name: str) -> bool:
    host, _, pid = name.rpartition(":")
    return host == _HOST and pid.isdigit() and not _pid_running(int(pid))


def forget_dead(*, now: datetime | None = None) -> int:
    """Deletes heartbeats of processes dead for a day (the sweeper calls it)."""
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return deleted


def dead_after() -> timedelta:
    return timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: running
    return True


# --- The heartbeat thread of a worker process ------------------------------------------------------------------------


def start_heartbeat() -> None:
    """Starts this process's heartbeat thread (once per process; a forked child starts its own)."""
    global _thread_for_pid
    if _thread_for_pid == os.getpid() or settings.WORKER_HEARTBEAT_SECONDS <= 0:
        return
    _thread_for_pid = os.getpid()
    stop = threading.Event()
    thread = threading.Thread(target=_beat_until, args=(stop,), name="outbox-heartbeat", daemon=True)
    thread.start()


def _beat_until(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            beat()
        except Exception:
            logger.warning("worker heartbeat not recorded", exc_info=True)
        finally:
            connection.close()
        stop.wait(settings.WORKER_HEARTBEAT_SECONDS)


def stop_heartbeat() -> None:
    """A clean stop: the process says it is gone, so nobody waits for its heartbeat to age."""
    try:
        WorkerHeartbeat.objects.filter(name=this_worker()).delete()
    except Exception:
        logger.warning("worker heartbeat not removed", exc_info=True)


def connect_worker_signals() -> None:
    from celery import signals

    signals.worker_process_init.connect(_on_child_start, weak=False)
    signals.worker_process_shutdown.connect(_on_stop, weak=False)
    signals.worker_init.connect(_on_worker_init, weak=False)
    signals.worker_shutdown.connect(_on_stop, weak=False)


def _on_child_start(**kwargs) -> None:
    start_heartbeat()


def _on_worker_init(sender=None, **kwargs) -> None:
    # The main process of a prefork worker beats too: `--wait` then knows a worker runs before it claims anything.
    # Solo and thread pools (the test suite's in-process worker) beat on each claim only.
    pool = getattr(sender, "pool_cls", None)
    if "prefork" in getattr(pool, "__module__", str(pool)):
        start_heartbeat()


def _on_stop(**kwargs) -> None:
    if _thread_for_pid == os.getpid():
        stop_heartbeat()
