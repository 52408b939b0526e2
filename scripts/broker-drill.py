#!/usr/bin/env python3
"""Drill of the embedded broker (issue 10): a real worker, and PRODUCERS processes queueing TASKS tasks each, pausing
PAUSE seconds between two (0.01 s: the pace of web requests, at which the worker keeps up and reads the newest file).
Reports whether the worker stayed up and how many tasks ran, for the portal's transport or, with --stock, kombu's.

    .venv/bin/python scripts/broker-drill.py                # compact_portal.broker.Transport
    .venv/bin/python scripts/broker-drill.py --stock        # kombu's filesystem transport: may die (JSONDecodeError)
    .venv/bin/python scripts/broker-drill.py --runs 3 --producers 4 --tasks 250 --pause 0.01

Runs in a temporary VAR_DIR; exit status 1 if any run lost its worker or a task.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STOCK_SETTINGS = """
from compact_portal.settings import *  # noqa: F403
del CELERY_BROKER_TRANSPORT  # noqa: F821 (kombu's own filesystem transport)
"""

PRODUCER = """
import sys, time
import django
django.setup()
from compact_portal.tasks import worker_heartbeat
name, count, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
for number in range(count):
    worker_heartbeat.delay(f"{name}-{number}")
    time.sleep(pause)
"""


def drill(*, stock: bool, producers: int, tasks: int, pause: float) -> tuple[bool, int, float]:
    with tempfile.TemporaryDirectory(prefix="broker-drill-") as folder:
        folder = Path(folder)
        environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}}
        environment["VAR_DIR"] = str(folder / "var")
        if stock:
            (folder / "stock_settings.py").write_text(STOCK_SETTINGS)
            environment["PYTHONPATH"] = f"{folder}{os.pathsep}{ROOT}"
            environment["DJANGO_SETTINGS_MODULE"] = "stock_settings"
        else:
            environment["DJANGO_SETTINGS_MODULE"] = "compact_portal.settings"
        log = (folder / "worker.log").open("w")
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "compact_portal", "worker", "--concurrency", "2"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        queuing = [
            subprocess.Popen(  # noqa: S603 (our own producer script)
                [sys.executable, "-c", PRODUCER, f"p{n}", str(tasks), str(pause)], cwd=ROOT, env=environment
            )
            for n in range(producers)
        ]
        for process in queuing:
            process.wait()
        heartbeats = folder / "var" / "heartbeats"
        deadline = time.monotonic() + 120
        while worker.poll() is None and time.monotonic() < deadline:
            if heartbeats.is_dir() and len(os.listdir(heartbeats)) >= producers * tasks:
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        alive = worker.poll() is None
        ran = len(os.listdir(heartbeats)) if heartbeats.is_dir() else 0
        worker.terminate()
        worker.wait()
        log.close()
        if not alive:
            crash = [line for line in (folder / "worker.log").read_text().splitlines() if "Unrecoverable" in line]
            print("   ", crash[-1] if crash else "worker exited")
        return alive, ran, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stock", action="store_true", help="kombu's filesystem transport instead of the portal's")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=250, help="per producer")
    parser.add_argument("--pause", type=float, default=0.01, help="seconds between two tasks of a producer")
    options = parser.parse_args()
    transport = "kombu's filesystem transport" if options.stock else "compact_portal.broker.Transport"
    print(f"{transport}: {options.producers} producers x {options.tasks} tasks, {options.pause} s apart")
    failures = 0
    for run in range(1, options.runs + 1):
        alive, ran, elapsed = drill(
            stock=options.stock, producers=options.producers, tasks=options.tasks, pause=options.pause
        )
        expected = options.producers * options.tasks
        ok = alive and ran == expected
        failures += not ok
        state = "worker up" if alive else "WORKER DIED"
        print(f"run {run}: {state}, {ran}/{expected} tasks ran, {elapsed:.1f} s")
    print(f"{options.runs - failures} of {options.runs} runs kept the worker up and ran every task")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
