"""Checks on an uploaded note verbale: a real PDF (by its content, not its name), at most 10 MB."""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_NOTE_VERBALE_BYTES = 10 * 1024 * 1024
MAX_NOTE_VERBALE_LABEL = "10 MB"

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
_MARKUP = (b"<!doctype", b"<html", b"<?xml", b"<svg", b"<head", b"<body", b"<script")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _what_it_is(head: bytes) -> str | None:
    for signature, name in _KNOWN_SIGNATURES:
        if head.startswith(signature):
            return str(name)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_MARKUP):
        return gettext("a web page (HTML)")
    return None


def validate_note_verbale(upload) -> None:
    """Raises ValidationError with a message for the focal point unless `upload` is a PDF of at most 10 MB."""
    if upload.size > MAX_NOTE_VERBALE_BYTES:
        raise ValidationError(
            gettext(
                "The file is %(size)s; a note verbale may be at most %(limit)s. "
                "Scan it at a lower resolution or in black and white."
            )
            % {"size": _megabytes(upload.size), "limit": MAX_NOTE_VERBALE_LABEL},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    if not head.startswith(b"%PDF-"):
        kind = _what_it_is(head)
        if kind:
            # Translators: %(kind)s is e.g. "a Windows program", "a PNG image" (translated separately).
            message = gettext("This file is %(kind)s, not a PDF. Upload the note verbale as a PDF document.") % {
                "kind": kind
            }
        else:
            message = gettext("This file is not a PDF. Upload the note verbale as a PDF document.")
        raise ValidationError(message, code="not_pdf")
    upload.seek(max(upload.size - 2048, 0))
    if b"%%EOF" not in upload.read():
        raise ValidationError(gettext("This PDF is incomplete (it has no end). Upload it again."), code="truncated")
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                gettext("This PDF is protected by a password. Upload it without the password."), code="encrypted"
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as error:
        logging.getLogger(__name__).info("Refused a note verbale that does not parse: %s", error)
        raise ValidationError(gettext("This PDF is damaged and cannot be opened."), code="damaged") from error
    finally:
        upload.seek(0)
    if pages < 1:
        raise ValidationError(gettext("This PDF has no pages."), code="empty")
