"""Public pages cached per language, and changed at once when their content changes.

Each session has a version number in its row (`ThematicSession.public_version`). A public page looks it up in one
query and caches what it renders under a key made of the session, that version, the language and the phase of the
session's deadlines (before or after each: "registration open" turns to "closed" at the deadline without anyone
saving anything). Whatever changes what a public page shows calls `public_pages_changed()` in the same transaction
as the change, which bumps the version: the next request misses the cache and renders anew, on every web process,
with Redis (REDIS_URL) or each process's local memory (the embedded default), since the key is read from the
database. Old entries are never read again and expire.

What is cached is the page's content, never its frame (the signed-in user's menu, the CSRF token, messages): the
templates wrap their content in `{% cache page.timeout … page.key %}`, and the views pass lazy objects that
query only on a miss.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.http import Http404
from django.utils import timezone, translation

from sessions.models import ThematicSession

# Versions change the keys; the timeout only frees the cache of pages nobody asks for.
PUBLIC_PAGE_SECONDS = 24 * 3600

# Instants at which a public page changes by itself (paths from ThematicSession, each a DateTimeField). The apps
# that take registrations add theirs (registrations: the dialogue's opening and deadline) in AppConfig.ready().
_boundaries: list[str] = ["registration_deadline"]


def register_boundary(path: str) -> None:
    if path not in _boundaries:
        _boundaries.append(path)


def public_pages_changed(*, session: ThematicSession | int | None = None) -> None:
    """Call after a write that changes what public pages show (in its transaction): the session's pages, or every
    session's with session=None (a venue, a person, a process, an organization's name …)."""
    sessions = ThematicSession.objects.all()
    if session is not None:
        sessions = sessions.filter(pk=getattr(session, "pk", session))
    sessions.update(public_version=F("public_version") + 1)


@dataclass(frozen=True)
class PublicPage:
    """What a template needs to cache a page: `key` varies with content, language and phase."""

    key: str
    timeout: int = PUBLIC_PAGE_SECONDS


def _phase(instants, now: datetime) -> str:
    return "".join("1" if instant and now >= instant else "0" for instant in instants)


def session_page(*, slug: str, now: datetime | None = None) -> PublicPage:
    """The key of a published (or closed) session's pages; 404 if there is none. One query."""
    now = now or timezone.now()
    row = (
        ThematicSession.objects.exclude(status=ThematicSession.Status.DRAFT)
        .filter(slug=slug)
        .values_list("pk", "public_version", *_boundaries)
        .first()
    )
    if row is None:
        raise Http404("No published session here.")
    pk, version, *instants = row
    return PublicPage(key=f"{pk}.{version}.{_phase(instants, now)}.{translation.get_language()}")


def session_list_page(*, now: datetime | None = None) -> PublicPage:
    """The key of the list of sessions: every session's version and phase (a draft published, a session added or
    removed changes it too). One query."""
    now = now or timezone.now()
    rows = ThematicSession.objects.order_by("pk").values_list("pk", "status", "public_version", *_boundaries)
    parts = [f"{pk}.{status}.{version}.{_phase(instants, now)}" for pk, status, version, *instants in rows]
    digest = hashlib.blake2b(" ".join(parts).encode(), digest_size=16).hexdigest()
    return PublicPage(key=f"{digest}.{translation.get_language()}")


class PublicContentAdminMixin:
    """For the ModelAdmin of anything public pages show: each save or deletion, inlines included, changes every
    session's cached pages (a venue, a person or a process appears on several; admin edits are rare)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_pages_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        public_pages_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_pages_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        public_pages_changed()
