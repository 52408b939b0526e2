"""The one check of every PDF the portal accepts (notes verbales, session documents): `validate_pdf`.

A PDF is refused, with a reason its sender can act on, unless it is a PDF by its content (not its name), complete,
within the size limit, not protected by a password, with at least one page, and without what would act in the reader's
PDF viewer: JavaScript (an /OpenAction or /AA action, a /JavaScript name tree, a /JS key), /Launch actions, embedded
files, HTML in its first kilobyte (a file that a browser would also take for a web page), streams that expand to
gigabytes. The file is parsed by compact_portal/pdf_inspect.py in a child process limited in memory and CPU time,
so a crafted file costs the web process a few seconds at most and gives a form error, never a 500.

The child is forked, for each file, by a checker process that each web process starts once and keeps (pypdf
imported, waiting on a pipe): a check costs a fork and the parse (a few milliseconds for a note verbale) instead
of a new Python interpreter (~200 ms). A checker that stops answering is killed and replaced; see `inspect`.
A file already checked is not checked again: the verdict is kept on the upload, with the digest of its bytes, so
a form's check and its service's check of the same note verbale run the child once.
"""

import atexit
import contextlib
import hashlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

logger = logging.getLogger(__name__)

INSPECTOR = Path(__file__).with_name("pdf_inspect.py")
INSPECT_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the child: Python and pypdf use ~100 MB of it
INSPECT_CPU_SECONDS = 10
INSPECT_WALL_SECONDS = 20
ANSWER_MARGIN_SECONDS = 5  # beyond the wall time, before a checker that does not answer is killed

# What a file that is not a PDF most often turns out to be, by its first bytes.
_KNOWN_SIGNATURES = [
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a Linux program")),
    (b"\xcf\xfa\xed\xfe", gettext_lazy("a macOS program")),
    (b"#!", gettext_lazy("a script")),
    (b"PK\x03\x04", gettext_lazy("a ZIP archive or an Office document")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("an old Office document")),
    (b"\x89PNG", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
]
_MARKUP = (b"<!doctype", b"<html", b"<?xml", b"<svg", b"<head", b"<body", b"<script", b"<iframe", b"<meta", b"<a ")
# Browsers sniff the first 512 bytes for HTML; a PDF has no reason to carry markup in its first kilobyte.
_MARKUP_IN_HEAD = (b"<html", b"<script", b"<body", b"<head", b"<iframe", b"<svg", b"<!doctype", b"<meta", b"<img")

_REASONS = {
    "javascript": gettext_lazy(
        "This PDF contains JavaScript that would run in the reader's PDF viewer. Upload it without scripts "
        "(print it to a new PDF, or scan the paper document)."
    ),
    "launch": gettext_lazy(
        "This PDF would start a program on the reader's computer. Upload it without that action "
        "(print it to a new PDF, or scan the paper document)."
    ),
    "embedded_file": gettext_lazy(
        "This PDF has files embedded in it. Upload the document alone, without attachments "
        "(print it to a new PDF, or scan the paper document)."
    ),
    "bomb": gettext_lazy("This PDF expands to far more data than its size (a compression bomb) and is refused."),
}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def what_it_is(head: bytes) -> str | None:
    for signature, name in _KNOWN_SIGNATURES:
        if head.startswith(signature):
            return str(name)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_MARKUP):
        return gettext("a web page (HTML)")
    return None


class _CheckerGone(Exception):
    """The checker process died, closed its pipe or gave no answer in time (`timed_out`)."""

    def __init__(self, detail: str, *, timed_out: bool = False):
        super().__init__(detail)
        self.timed_out = timed_out


class _Checker:
    """One long-lived `pdf_inspect.py --serve` process and the pipes to it."""

    CHECKS_BEFORE_RETIRING = 1000  # a fresh process now and then, whatever happens

    def __init__(self):
        self.owner = os.getpid()
        self.checks = 0
        self.process = subprocess.Popen(  # noqa: S603 (our own script)
            [sys.executable, "-I", str(INSPECTOR), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: killed with the child it may be waiting on
        )
        os.set_blocking(self.process.stdin.fileno(), False)

    def check(self, data: bytes) -> dict:
        self.checks += 1
        header = f"{INSPECT_MEMORY_BYTES} {INSPECT_CPU_SECONDS} {INSPECT_WALL_SECONDS} {len(data)}\n".encode()
        line = self._exchange(header + data, timeout=INSPECT_WALL_SECONDS + ANSWER_MARGIN_SECONDS)
        return json.loads(line)

    def _exchange(self, request: bytes, *, timeout: float) -> bytes:
        """Writes `request` and reads one line back, within `timeout` seconds in all."""
        deadline = time.monotonic() + timeout
        stdin, stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        pending, answer = memoryview(request), b""
        poller = select.poll()
        poller.register(stdin, select.POLLOUT)
        poller.register(stdout, select.POLLIN)
        while not answer.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            events = poller.poll(max(remaining, 0) * 1000) if remaining > 0 else []
            if not events:
                raise _CheckerGone(f"no answer within {timeout:g} s", timed_out=True)
            for fd, event in events:
                if fd == stdin:
                    try:
                        pending = pending[os.write(stdin, pending) :]
                    except BlockingIOError:
                        continue
                    except OSError as error:  # BrokenPipeError: it has died
                        raise _CheckerGone(str(error)) from error
                    if not pending:
                        poller.unregister(stdin)
                elif event & select.POLLIN:
                    chunk = os.read(stdout, 65536)
                    if not chunk:
                        raise _CheckerGone("it closed its answers")
                    answer += chunk
                else:  # POLLHUP or POLLERR alone: nothing more will come
                    raise _CheckerGone("it closed its answers")
        return answer

    def usable(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None and self.checks < self.CHECKS_BEFORE_RETIRING

    def close(self) -> None:
        """Ends the checker (and any child it is waiting on) and reaps it."""
        if self.owner != os.getpid():
            return  # a forked copy of the object: the process belongs to the parent
        with contextlib.suppress(OSError):  # gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.process.wait()


_idle: list[_Checker] = []  # checkers waiting for a file; one per thread that checks at the same moment
_idle_lock = threading.Lock()


def _take() -> tuple[_Checker, bool]:
    """An idle checker of this process and False, or a new one and True."""
    with _idle_lock:
        while _idle:
            checker = _idle.pop()
            if checker.usable():
                return checker, False
            checker.close()
    return _Checker(), True


def _give_back(checker: _Checker) -> None:
    if checker.usable():
        with _idle_lock:
            _idle.append(checker)
    else:
        checker.close()


@atexit.register
def _close_idle() -> None:
    with _idle_lock:
        while _idle:
            _idle.pop().close()


def inspect(data: bytes) -> dict:
    """What pdf_inspect.py finds in `data`, parsed in a fresh child process limited in memory and CPU time;
    {"error": "limit"} when it ran out of time or memory. A checker found dead (not by this file: it never parses)
    is replaced and the file given to the new one; a checker that gives no answer in time is killed."""
    for attempt in (1, 2):
        checker, fresh = _take()
        try:
            found = checker.check(data)
        except _CheckerGone as error:
            checker.close()
            if fresh or attempt == 2 or error.timed_out:
                return {"error": "limit", "detail": str(error)}
            continue
        except ValueError as error:  # not JSON: a checker in a state it should not be in
            checker.close()
            return {"error": "limit", "detail": f"unreadable answer: {error}"}
        _give_back(checker)
        return found
    raise AssertionError("unreachable")


def _verdict(upload, data: bytes) -> dict:
    """`inspect(data)`, once per upload and content: kept on the upload with the digest of the bytes it is for."""
    digest = hashlib.sha256(data).digest()
    kept = getattr(upload, "_pdf_inspected", None)
    if kept is not None and kept[0] == digest:
        return kept[1]
    found = inspect(data)
    upload._pdf_inspected = (digest, found)
    return found


def validate_pdf(upload, *, max_bytes: int, max_label: str) -> None:
    """Raises ValidationError (with a code) unless `upload` is a PDF the portal may pass on to its readers."""
    if upload.size > max_bytes:
        raise ValidationError(
            gettext("The file is %(size)s; it may be at most %(limit)s.")
            % {"size": _megabytes(upload.size), "limit": max_label},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    if not head.startswith(b"%PDF-"):
        kind = what_it_is(head)
        if kind:
            # Translators: %(kind)s is e.g. "a Windows program", "a PNG image" (translated separately).
            raise ValidationError(gettext("This file is %(kind)s, not a PDF.") % {"kind": kind}, code="not_pdf")
        raise ValidationError(gettext("This file is not a PDF."), code="not_pdf")
    if any(tag in head.lower() for tag in _MARKUP_IN_HEAD):
        raise ValidationError(
            gettext("This file is a web page as well as a PDF. Upload a plain PDF document."), code="polyglot"
        )
    upload.seek(max(upload.size - 2048, 0))
    if b"%%EOF" not in upload.read():
        raise ValidationError(gettext("This PDF is incomplete (it has no end). Upload it again."), code="truncated")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    found = _verdict(upload, data)
    if found.get("error") == "limit":
        logger.warning("Refused a PDF that exceeds the inspection limits: %s", found.get("detail"))
        raise ValidationError(
            gettext(
                "This PDF is too complex to check (it needs too much time or memory to open). "
                "Print it to a new PDF and upload that."
            ),
            code="too_complex",
        )
    if found.get("error"):
        logger.info("Refused a PDF that does not parse: %s", found.get("detail"))
        raise ValidationError(gettext("This PDF is damaged and cannot be opened."), code="damaged")
    if found["encrypted"] and not found["pages"]:
        raise ValidationError(
            gettext("This PDF is protected by a password. Upload it without the password."), code="encrypted"
        )
    for reason in ("javascript", "launch", "embedded_file", "bomb"):
        if reason in found["found"]:
            raise ValidationError(str(_REASONS[reason]), code=reason)
    if found["pages"] < 1:
        raise ValidationError(gettext("This PDF has no pages."), code="empty")
