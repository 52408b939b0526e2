"""The letter's own way in: a signed link per delivery, "Register your delegation", bound to the session, the mission
and the address the letter went to. It expires with the session's registration deadline and never signs anyone
in: it only says which mission the letter was for and to which address it went."""

import base64
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from registrations.models import PermanentMission
from registrations.selectors.delegations import registration_open_message
from sessions.models import ThematicSession

_SALT = "registrations.registration-link"


@dataclass(frozen=True)
class RegistrationLink:
    session: ThematicSession
    mission: PermanentMission
    email: str  # the address the letter went to, lower case


class LinkInvalid(Exception):
    """Not one of ours, or altered."""


class LinkExpired(Exception):
    """The link's session takes no registration now (the one rule, registration_open_message: past its deadline, not
    published, closed), or the session is gone. `reason` says which, in the reader's language."""

    def __init__(self, session: ThematicSession | None = None, reason: str = ""):
        super().__init__(reason or "expired")
        self.session = session
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _signature(payload: str) -> str:
    # 128 bits of an HMAC-SHA256 keyed by SECRET_KEY and the salt: short enough for a small QR code.
    return _b64(salted_hmac(_SALT, payload, algorithm="sha256").digest()[:16])


def registration_link_token(*, session_id: int, mission_id: int, email: str) -> str:
    """e.g. 6.67.cG0uZ2hhQG1pc3Npb25zLmV4YW1wbGUub3Jn.Qk1x…: session, mission, address, signature."""
    payload = f"{session_id}.{mission_id}.{_b64(email.strip().lower().encode())}"
    return f"{payload}.{_signature(payload)}"


def registration_link_path(*, session_id: int, mission_id: int, email: str, language: str = "en") -> str:
    token = registration_link_token(session_id=session_id, mission_id=mission_id, email=email)
    with translation.override(language):
        return reverse("registrations:registration_link", kwargs={"token": token})


def registration_link_url(*, session_id: int, mission_id: int, email: str, language: str = "en") -> str:
    from registrations.notifications import portal_url

    return portal_url(
        registration_link_path(session_id=session_id, mission_id=mission_id, email=email, language=language)
    )


def registration_link_read(token: str, *, now=None) -> RegistrationLink:
    """The link's session, mission and address; raises LinkInvalid or LinkExpired."""
    payload, _dot, signature = token.rpartition(".")
    if not payload or not constant_time_compare(signature, _signature(payload)):
        raise LinkInvalid
    try:
        session_text, mission_text, email_b64 = payload.split(".")
        session_id, mission_id = int(session_text), int(mission_text)
        email = base64.urlsafe_b64decode(email_b64 + "=" * (-len(email_b64) % 4)).decode()
    except (ValueError, UnicodeDecodeError) as error:
        raise LinkInvalid from error
    session = ThematicSession.objects.filter(pk=session_id).first()
    mission = PermanentMission.objects.select_related("state").filter(pk=mission_id).first()
    if mission is None:
        raise LinkInvalid
    if session is None:
        raise LinkExpired()
    problem = registration_open_message(session, now=now or timezone.now())
    if problem:
        raise LinkExpired(session, problem)
    return RegistrationLink(session=session, mission=mission, email=email)
