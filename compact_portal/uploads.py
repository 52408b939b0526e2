"""The one check of every PDF the portal accepts (notes verbales, session documents): `validate_pdf`.

A PDF is refused, with a reason its sender can act on, unless it is a PDF by its content (not its name), complete,
within the size limit, not protected by a password, with at least one page, and without what would act in the reader's
PDF viewer: JavaScript (an /OpenAction or /AA action, a /JavaScript name tree, a /JS key), /Launch actions, embedded
files, HTML in its first kilobyte (a file that a browser would also take for a web page), streams that expand to
gigabytes. The file is parsed by compact_portal/pdf_inspect.py in a child process limited in memory and CPU time,
so a crafted file costs the web process a few seconds at most and gives a form error, never a 500.
"""

import json
import logging
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

logger = logging.getLogger(__name__)

INSPECTOR = Path(__file__).with_name("pdf_inspect.py")
INSPECT_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the child: Python and pypdf use ~100 MB of it
INSPECT_CPU_SECONDS = 10
INSPECT_WALL_SECONDS = 20

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


def inspect(data: bytes) -> dict:
    """What pdf_inspect.py finds in `data`; {"error": "limit"} when it ran out of time or memory."""
    try:
        result = subprocess.run(  # noqa: S603 (our own script, the file on standard input)
            [sys.executable, "-I", str(INSPECTOR), str(INSPECT_MEMORY_BYTES), str(INSPECT_CPU_SECONDS)],
            input=data,
            capture_output=True,
            timeout=INSPECT_WALL_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": "limit", "detail": f"no answer within {INSPECT_WALL_SECONDS} s"}
    try:
        return json.loads(result.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        # Killed by its CPU limit (SIGXCPU) or unable to allocate: the file asked for more than a PDF needs.
        detail = result.stderr.decode(errors="replace").strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        return {"error": "limit", "detail": detail[0][:300]}


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
    found = inspect(data)
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
