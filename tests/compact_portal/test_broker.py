"""The embedded default's broker (a folder) under load: several processes queue tasks as fast as they can, against a
real worker process, and every task runs while the worker and the queuing processes stay up."""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection
from kombu.transport import filesystem

from compact_portal.broker import Transport

ROOT = Path(__file__).resolve().parents[2]
PRODUCERS = 4
TASKS_PER_PRODUCER = 250

# One producer: queues its share of heartbeat tasks, each leaving a file named by its token when it runs.
PRODUCER = """
import os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "compact_portal.settings"
django.setup()
from compact_portal.tasks import worker_heartbeat
name, count = sys.argv[1], int(sys.argv[2])
for number in range(count):
    worker_heartbeat.delay(f"{name}-{number}")
"""


def _embedded_environment(var_dir: Path) -> dict:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY"}
    }
    environment["VAR_DIR"] = str(var_dir)
    return environment


def _wait_for(condition, *, process: subprocess.Popen, limit: float) -> None:
    """Polls until condition() holds, the process exits or the limit passes (a guard, not a measure)."""
    deadline = time.monotonic() + limit
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.2)


def test_four_processes_queueing_1000_tasks_leave_the_worker_up_and_every_task_run(tmp_path):
    var_dir = tmp_path / "var"
    environment = _embedded_environment(var_dir)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "compact_portal", "worker", "--concurrency", "2", "--loglevel", "INFO"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    heartbeats = var_dir / "heartbeats"
    try:
        producers = [
            subprocess.Popen(
                [sys.executable, "-c", PRODUCER, f"producer{number}", str(TASKS_PER_PRODUCER)],
                cwd=ROOT,
                env=environment,
                stderr=subprocess.PIPE,
            )
            for number in range(PRODUCERS)
        ]
        failures = [producer.communicate(timeout=240)[1].decode() for producer in producers]
        assert [producer.returncode for producer in producers] == [0] * PRODUCERS, failures

        expected = {f"producer{p}-{n}" for p in range(PRODUCERS) for n in range(TASKS_PER_PRODUCER)}

        def all_ran():
            return heartbeats.is_dir() and len(os.listdir(heartbeats)) >= len(expected)

        _wait_for(all_ran, process=worker, limit=240)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        assert set(os.listdir(heartbeats)) == expected
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


def _channel(folder: Path, transport=Transport):
    connection = Connection(
        "filesystem://",
        transport=transport,
        transport_options={"data_folder_in": str(folder), "data_folder_out": str(folder), "store_processed": False},
    )
    return connection.default_channel


def test_a_reader_looking_while_a_message_is_being_written_finds_nothing_to_take(tmp_path, monkeypatch):
    writer, reader = _channel(tmp_path), _channel(tmp_path)
    seen_mid_write = []
    real_os_open, real_open = os.open, open

    def reader_looks(path):
        if Path(path).parent == tmp_path and not seen_mid_write:
            try:
                seen_mid_write.append(reader._get("celery"))
            except Exception as error:
                seen_mid_write.append(type(error).__name__)

    # Whichever way the writer opens its file, a reader runs the moment it is open, before a byte is written.
    def os_open_then_read(path, flags, *args, **kwargs):
        descriptor = real_os_open(path, flags, *args, **kwargs)
        if flags & os.O_CREAT:
            reader_looks(path)
        return descriptor

    def open_then_read(path, mode="r", *args, **kwargs):
        file = real_open(path, mode, *args, **kwargs)
        if "w" in mode:
            reader_looks(path)
        return file

    monkeypatch.setattr(os, "open", os_open_then_read)
    monkeypatch.setattr(filesystem, "open", open_then_read, raising=False)
    writer._put("celery", {"body": "x" * 10_000, "headers": {"id": "one"}})

    assert seen_mid_write == ["Empty"]
    assert reader._get("celery") == {"body": "x" * 10_000, "headers": {"id": "one"}}
    assert os.listdir(tmp_path) == []


def test_a_message_that_cannot_be_parsed_is_set_aside_and_the_next_one_taken(tmp_path):
    channel = _channel(tmp_path)
    # Named to sort first: the reader takes the oldest name first (kombu compares names as text).
    (tmp_path / "0_00000000-0000-0000-0000-000000000000.celery.msg").write_bytes(b'{"body": "tru')
    channel._put("celery", {"body": "whole"})

    assert channel._get("celery") == {"body": "whole"}
    assert os.listdir(tmp_path) == [".0_00000000-0000-0000-0000-000000000000.celery.msg.rejected"]
    with pytest.raises(Empty):
        channel._get("celery")


def test_two_readers_never_take_the_same_message(tmp_path):
    writer, first, second = _channel(tmp_path), _channel(tmp_path), _channel(tmp_path)
    for number in range(20):
        writer._put("celery", {"number": number})
    taken = []
    for reader in [first, second] * 10:
        taken.append(reader._get("celery")["number"])
    assert sorted(taken) == list(range(20))
    assert writer._size("celery") == 0
