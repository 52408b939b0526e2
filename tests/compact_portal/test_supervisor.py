"""`make run`'s supervisor (compact_portal/supervisor.py): a process that dies is started again, alone, and takes
what it started with it; the others keep running."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.processes import alive, wait_until

ROOT = Path(__file__).resolve().parents[2]

# A stand-in for a server: starts a child of its own (as a worker starts its pool), leaves a file naming both pids.
SERVER = """
import os, signal, subprocess, sys
from pathlib import Path
child = subprocess.Popen([sys.executable, "-c", "import signal; signal.pause()"])
(Path(sys.argv[1]) / f"{sys.argv[2]}-{os.getpid()}-{child.pid}").touch()
signal.pause()
"""


def _started(folder: Path, name: str) -> list[tuple[int, int]]:
    return sorted((int(main), int(child)) for main, child in (f.name.split("-")[1:] for f in folder.glob(f"{name}-*")))


def test_a_killed_process_is_started_again_with_its_children_gone_and_the_others_untouched(tmp_path):
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        f"web: {sys.executable} {script} {tmp_path} web\nworker: {sys.executable} {script} {tmp_path} worker\n"
    )
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "compact_portal.supervisor", str(procfile)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: _started(tmp_path, "web") and _started(tmp_path, "worker"))
        [(web, web_child)] = _started(tmp_path, "web")
        [(worker, worker_child)] = _started(tmp_path, "worker")

        os.kill(worker, signal.SIGKILL)
        wait_until(lambda: len(_started(tmp_path, "worker")) == 2)

        assert supervisor.poll() is None
        assert _started(tmp_path, "web") == [(web, web_child)]
        assert (alive(web), alive(web_child)) == (True, True)
        assert (alive(worker), alive(worker_child)) == (False, False)
        [(new_worker, new_worker_child)] = [pids for pids in _started(tmp_path, "worker") if pids[0] != worker]
        assert (alive(new_worker), alive(new_worker_child)) == (True, True)
    finally:
        supervisor.send_signal(signal.SIGINT)  # Ctrl-C
        output = supervisor.communicate(timeout=60)[0].decode()
    assert supervisor.returncode == 0, output
    assert "worker | exited with code -9; starting it again in 1 s" in output
    every_pid = [pid for name in ("web", "worker") for pair in _started(tmp_path, name) for pid in pair]
    assert [pid for pid in every_pid if alive(pid)] == []


def test_the_processes_end_when_the_supervisor_is_killed(tmp_path):
    script = tmp_path / "server.py"
    script.write_text(SERVER)
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"web: {sys.executable} {script} {tmp_path} web\n")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "compact_portal.supervisor", str(procfile)], cwd=ROOT, stdout=subprocess.DEVNULL
    )
    wait_until(lambda: _started(tmp_path, "web"))
    [(web, _)] = _started(tmp_path, "web")

    supervisor.kill()
    supervisor.wait()

    wait_until(lambda: not alive(web))
