"""The code a confirmation letter's QR code carries: it names the registration and the person, and is signed so
that nobody can make one up. Staff at the badge desk scan it into the badge check page."""

import segno
from django.core import signing

PREFIX = "CP1"
_SALT = "registrations.badge"


def badge_code(*, registration_id: int, member_id: int) -> str:
    """e.g. CP1:42.317:Xb5…; short enough for a small QR code."""
    return signing.Signer(salt=_SALT).sign(f"{PREFIX}:{registration_id}.{member_id}")


def badge_code_read(code: str) -> tuple[int, int] | None:
    """(registration id, member id) from a scanned code, or None if it is not one of ours or was altered."""
    try:
        value = signing.Signer(salt=_SALT).unsign(code.strip())
        prefix, ids = value.split(":", 1)
        registration_id, member_id = ids.split(".", 1)
        if prefix != PREFIX:
            return None
        return int(registration_id), int(member_id)
    except (signing.BadSignature, ValueError):
        return None


def qr_svg(code: str, *, title: str) -> str:
    """The code as an inline SVG QR code (no size: the stylesheet sizes it)."""
    return segno.make(code, error="m").svg_inline(scale=1, omitsize=True, title=title, svgclass="qr")
