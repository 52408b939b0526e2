"""Helpers for tests that watch real processes (workers, beat, the supervisor) from outside."""

import time
from pathlib import Path


def wait_until(condition, *, limit: float = 90) -> None:
    """Polls `condition` until it holds. The limit guards against hanging on processes outside the test; it is not
    a measure of time."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
