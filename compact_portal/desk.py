"""The admin's index as a desk: what each staff user should do next, in sections that apps register.

An app registers a section with `register(...)` (in its AppConfig.ready), giving who sees it (`audience`, a
predicate on the user) and a function that returns the section's rows (`rows(now=..., user=...)`). A row says
what it is, for which session, how many, and where to act: the admin list filtered to exactly those objects, or
the page that acts on them. Each section's function runs a fixed number of queries, whatever the data size.

The admin's index view is wrapped (compact_portal/urls.py) so that it renders the user's sections above the
stock list of models, and titles the page by role.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

# The kinds of section, in the order the desk shows them.
AWAITING = "awaiting"
CLOSING = "closing"
DUE = "due"
SESSIONS = "sessions"
LETTERS = "letters"
DISPATCHES = "dispatches"
FAILED = "failed"


@dataclass(frozen=True)
class Row:
    label: str  # what the count counts, e.g. "Registrations submitted"
    url: str  # the filtered admin list, or the page that acts
    count: int | None = None
    session: str = ""  # e.g. "ITS6: Irregular migration …"; empty when not tied to one session
    when: datetime | None = None  # a deadline or a due date
    note: str = ""
    progress: dict[str, Any] | None = None  # a dispatch's bar: total, sent, failed, pending, percent_*
    links: list[tuple[str, str]] = field(default_factory=list)  # further (label, url) pairs


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    order: int
    audience: Callable[[Any], bool]
    rows: Callable[..., list[Row]]
    empty: str = "Nothing at the moment."
    description: str = ""


_registry: dict[str, Section] = {}


def register(
    *,
    key: str,
    title: str,
    order: int,
    audience: Callable[[Any], bool],
    rows: Callable[..., list[Row]],
    empty: str = "Nothing at the moment.",
    description: str = "",
) -> Section:
    """Add (or replace, by key) a section of the desk. `rows(now=..., user=...)` returns its rows."""
    section = Section(
        key=key, title=title, order=order, audience=audience, rows=rows, empty=empty, description=description
    )
    _registry[key] = section
    return section


def sections() -> list[Section]:
    return sorted(_registry.values(), key=lambda section: (section.order, section.key))


@dataclass(frozen=True)
class DeskSection:
    section: Section
    rows: list[Row]

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def key(self) -> str:
        return self.section.key


def desk_for(user, *, now: datetime | None = None) -> list[DeskSection]:
    """The sections `user` sees, each with its rows."""
    now = now or timezone.now()
    return [
        DeskSection(section=section, rows=section.rows(now=now, user=user))
        for section in sections()
        if section.audience(user)
    ]


# Titles of the index per role: the first predicate that holds names the page.
_titles: list[tuple[int, Callable[[Any], bool], str]] = []


def register_title(*, title: str, audience: Callable[[Any], bool], order: int) -> None:
    _titles[:] = [entry for entry in _titles if entry[2] != title] + [(order, audience, title)]
    _titles.sort(key=lambda entry: entry[0])


def title_for(user) -> str:
    names = [title for _, audience, title in _titles if audience(user)]
    return " · ".join(names) if names else "Administration"


def index_view(site_index):
    """Wrap AdminSite.index: the desk above the list of models, the title by role."""

    def index(request, extra_context=None):
        now = timezone.now()
        context = {
            "title": title_for(request.user),
            "desk": desk_for(request.user, now=now),
            "desk_now": now,
            **(extra_context or {}),
        }
        return site_index(request, extra_context=context)

    return index
