"""How each audience takes part in a session, and by when: the public pages' "way in".

The sessions app knows sessions, not who registers for them: the apps that take registrations (delegations,
stakeholders) register a provider here in their AppConfig.ready(), so that the public pages can show each
audience's way in without sessions importing them (arrows go one way).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class WayIn:
    """One audience's way into one session: what they do, until when, and the link that starts it."""

    audience: str  # e.g. "Delegations of Member and Observer States"
    state: str  # "open", "upcoming" or "closed"
    status: str  # e.g. "Registration open until 30 January 2027, 18:00 UTC"
    how: str  # one or two sentences: who does what
    action: str = ""  # the button's words, e.g. "Register your delegation"; empty when closed
    url: str = ""
    more: list[tuple[str, str]] = field(default_factory=list)  # further links: [(words, url)]
    key: str = ""  # a stable name ("delegations", "dialogue") for CSS and tests
    deadline: datetime | None = None


# provider(sessions, *, now) -> {session.pk: [WayIn, ...]}; one call per page for all its sessions.
Provider = Callable[..., dict[int, list[WayIn]]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def ways_in(sessions: Iterable, *, now: datetime) -> dict[int, list[WayIn]]:
    """Every registered audience's way into each session, in registration order: {session.pk: [WayIn]}. The same for
    every visitor (public pages may be cached): links that need an account lead through the sign-in page."""
    sessions = list(sessions)
    result: dict[int, list[WayIn]] = {session.pk: [] for session in sessions}
    for provider in _providers:
        for session_pk, items in provider(sessions, now=now).items():
            result.setdefault(session_pk, []).extend(items)
    return result
