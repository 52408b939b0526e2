"""Checks on an uploaded note verbale: compact_portal.uploads.validate_pdf, at most 10 MB, in the words of the form."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from compact_portal.uploads import validate_pdf, what_it_is

MAX_NOTE_VERBALE_BYTES = 10 * 1024 * 1024
MAX_NOTE_VERBALE_LABEL = "10 MB"


def validate_note_verbale(upload) -> None:
    """Raises ValidationError with a message for the focal point unless `upload` is a PDF of at most 10 MB that
    the secretariat may open (see compact_portal.uploads)."""
    try:
        validate_pdf(upload, max_bytes=MAX_NOTE_VERBALE_BYTES, max_label=MAX_NOTE_VERBALE_LABEL)
    except ValidationError as error:
        if error.code == "too_large":
            raise ValidationError(
                gettext(
                    "The file is %(size)s; a note verbale may be at most %(limit)s. "
                    "Scan it at a lower resolution or in black and white."
                )
                % {"size": f"{upload.size / (1024 * 1024):.1f} MB", "limit": MAX_NOTE_VERBALE_LABEL},
                code="too_large",
            ) from error
        if error.code == "not_pdf":
            upload.seek(0)
            kind = what_it_is(upload.read(1024))
            upload.seek(0)
            if kind:
                # Translators: %(kind)s is e.g. "a Windows program", "a PNG image" (translated separately).
                message = gettext("This file is %(kind)s, not a PDF. Upload the note verbale as a PDF document.") % {
                    "kind": kind
                }
            else:
                message = gettext("This file is not a PDF. Upload the note verbale as a PDF document.")
            raise ValidationError(message, code="not_pdf") from error
        raise
