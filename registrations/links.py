"""The letter's own way in: a signed link per delivery, "Register your delegation", bound to the session, the mission
and the address the letter went to. It expires with the session's registration deadline and never signs anyone
in: it only says which mission the letter was for and to which address it went."""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from registrations.models import PermanentMission
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
    """Registration for the link's session has closed (or the session is gone)."""

    def __init__(self, session: ThematicSession | None = None):
        super().__init__("expired")
        self.session = session


def registration_link_token(*, session_id: int, mission_id: int, email: str) -> str:
    return signing.dumps([session_id, mission_id, email.strip().lower()], salt=_SALT, compress=True)


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
    try:
        session_id, mission_id, email = signing.loads(token, salt=_SALT)
        session_id, mission_id, email = int(session_id), int(mission_id), str(email)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    session = ThematicSession.objects.filter(pk=session_id).first()
    mission = PermanentMission.objects.select_related("state").filter(pk=mission_id).first()
    if mission is None:
        raise LinkInvalid
    now = now or timezone.now()
    if session is None or session.registration_deadline is None or now >= session.registration_deadline:
        raise LinkExpired(session)
    return RegistrationLink(session=session, mission=mission, email=email)
