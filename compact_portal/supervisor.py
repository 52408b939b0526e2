"""`make run`'s process supervisor: starts each line of the Procfile and starts again any process that exits.

Honcho, used before, stops every process when one exits: a crashed worker took the web server down with it. Here
a process that exits is started again after a pause (1 s, doubling up to 30 s while it keeps failing within a
minute of its start), the others go on. Each process runs in its own process group, so that when its main process
dies (even by kill -9) what it leaves behind (a worker's pool processes, runserver's reloaded child) is killed
with it before the restart; and each gets SIGTERM if the supervisor itself dies (Linux PR_SET_PDEATHSIG).
Ctrl-C or SIGTERM stops them all: SIGTERM to each main process, then SIGKILL to each group (after 20 s at most).

    python -m compact_portal.supervisor Procfile     # $PORT and the environment are passed on
"""

import contextlib
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1
STOP_GRACE_SECONDS = 20
FIRST_PAUSE_SECONDS = 1.0
LONGEST_PAUSE_SECONDS = 30.0
HEALTHY_AFTER_SECONDS = 60.0


def read_procfile(path: Path) -> dict[str, str]:
    commands = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            commands[name.strip()] = command.strip()
    return commands


def _die_with_the_supervisor() -> None:
    # Runs in the child between fork and exec: SIGTERM when the supervisor's thread that started it ends.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


@dataclass
class Process:
    name: str
    command: str
    popen: subprocess.Popen | None = None
    started_at: float = 0.0
    pause: float = FIRST_PAUSE_SECONDS
    restarts: int = 0
    output: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    def __init__(self, commands: dict[str, str], *, environment: dict | None = None, out=None):
        self.processes = [Process(name, command) for name, command in commands.items()]
        self.environment = dict(os.environ if environment is None else environment)
        self.out = out or sys.stdout
        self.width = max(len(name) for name in commands)
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def say(self, name: str, line: str) -> None:
        with self.lock:
            self.out.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {line}\n")
            self.out.flush()

    def start(self, process: Process) -> None:
        command = os.path.expandvars(process.command) if "$" in process.command else process.command
        process.popen = subprocess.Popen(  # noqa: S603 (the commands are the project's own Procfile)
            shlex.split(command),
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, and Ctrl-C reaches the supervisor only
            preexec_fn=_die_with_the_supervisor,
        )
        process.started_at = time.monotonic()
        self.say(process.name, f"started with pid {process.popen.pid}")
        process.output = threading.Thread(target=self._copy_output, args=(process, process.popen), daemon=True)
        process.output.start()

    def _copy_output(self, process: Process, popen: subprocess.Popen) -> None:
        for raw in popen.stdout:
            self.say(process.name, raw.decode(errors="replace").rstrip())

    @staticmethod
    def _kill_group(popen: subprocess.Popen, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(popen.pid, sig)

    def run(self) -> int:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: self.stopping.set())
        self.environment["PYTHONUNBUFFERED"] = "1"
        for process in self.processes:
            self.start(process)
        due: dict[str, float] = {}
        while not self.stopping.is_set():
            for process in self.processes:
                if process.name in due:
                    if time.monotonic() >= due[process.name]:
                        del due[process.name]
                        process.restarts += 1
                        self.start(process)
                    continue
                code = process.popen.poll()
                if code is None:
                    continue
                # Whatever the main process left in its group (pool processes, a reloaded child) goes with it.
                self._kill_group(process.popen, signal.SIGKILL)
                lived = time.monotonic() - process.started_at
                quick_again = process.restarts and lived < HEALTHY_AFTER_SECONDS
                process.pause = min(process.pause * 2, LONGEST_PAUSE_SECONDS) if quick_again else FIRST_PAUSE_SECONDS
                self.say(process.name, f"exited with code {code}; starting it again in {process.pause:g} s")
                due[process.name] = time.monotonic() + process.pause
            self.stopping.wait(0.2)
        self.stop()
        return 0

    def stop(self) -> None:
        running = [p.popen for p in self.processes if p.popen is not None and p.popen.poll() is None]
        for popen in running:
            popen.terminate()  # the main process: a worker's warm shutdown stops its own pool processes
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for popen in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        for process in self.processes:
            if process.popen is not None:
                self._kill_group(process.popen, signal.SIGKILL)  # stragglers of the group, if any
                process.popen.wait()
                if process.output is not None:
                    process.output.join(timeout=5)
        self.say("supervisor", "stopped")


def main(argv: list[str]) -> int:
    procfile = Path(argv[1] if len(argv) > 1 else "Procfile")
    return Supervisor(read_procfile(procfile)).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
