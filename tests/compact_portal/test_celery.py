"""One beat per VAR_DIR (compact_portal/celery.py): a second beat waits for the first; an embedded beat ends with its
worker instead of running on as an orphan."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.processes import alive, wait_until

ROOT = Path(__file__).resolve().parents[2]


def _environment(var_dir: Path) -> dict:
    environment = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}}
    environment["VAR_DIR"] = str(var_dir)
    return environment


def _celery(arguments: list[str], var_dir: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "compact_portal", *arguments, "--loglevel", "INFO"],
        cwd=ROOT,
        env=_environment(var_dir),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_a_second_beat_waits_until_the_first_one_stops(tmp_path):
    lock = tmp_path / "var" / "celerybeat.lock"
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _celery(["beat"], tmp_path / "var", first_log)
    second = None
    try:
        wait_until(lambda: "beat: holds" in first_log.read_text())
        assert lock.read_text() == f"{first.pid}\n"
        second = _celery(["beat", "--schedule", str(tmp_path / "second-schedule")], tmp_path / "var", second_log)
        wait_until(lambda: "waiting until it stops" in second_log.read_text())
        assert f"another beat (pid {first.pid}) holds {lock}" in second_log.read_text()
        assert "beat: holds" not in second_log.read_text()

        first.kill()
        first.wait()
        wait_until(lambda: "beat: holds" in second_log.read_text())
        assert lock.read_text() == f"{second.pid}\n"
    finally:
        _stop(first, *([second] if second else []))


def test_an_embedded_beat_ends_when_its_worker_is_killed(tmp_path):
    lock = tmp_path / "var" / "celerybeat.lock"
    log = tmp_path / "worker.log"
    worker = _celery(["worker", "--beat", "--concurrency", "1"], tmp_path / "var", log)
    try:
        wait_until(lambda: "beat: holds" in log.read_text())
        beat = int(lock.read_text())
        assert beat != worker.pid and alive(beat)

        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()

        wait_until(lambda: not alive(beat))
    finally:
        _stop(worker)
