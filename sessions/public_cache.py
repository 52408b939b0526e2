"""Public pages cached per language, and changed at once when their content changes.

Each session has a version number in its row (`ThematicSession.public_version`). A public page caches what it
renders under a key made of the session, that version, the language and the phase of the session's deadlines (before
or after each: "registration open" turns to "closed" at the deadline without anyone saving anything). Whatever
changes what a public page shows calls `public_pages_changed()` in the same transaction as the change, which bumps
the version: the next request misses the cache and renders anew. Old entries are never read again and expire.

The versions are read without a database query when the cache is shared (Redis, REDIS_URL): the sessions' rows
that make the keys (slug, status, version, deadlines) are kept in the `public_pages` cache under a generation, and
the generation (one key in Redis, one GET per request) is replaced by `public_pages_changed()` once its transaction
commits, so every web process reads the new rows at its next request. Without a generation in the cache (Redis
emptied, a first start) the rows come from the database. In the embedded default (local memory, not shared between
the web server, the worker and `manage.py` commands) the rows are read from the database on every request: one
query, so that a change made by another process shows at once there too.

What is cached is the page's content, never its frame (the signed-in user's menu, the CSRF token, messages): the
templates wrap their content in `{% cache page.timeout … page.key %}`, and the views pass lazy objects that
query only on a miss.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches
from django.db import transaction
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
    # robust: the change is committed whatever the cache says; the rows are read again once the generation is gone.
    transaction.on_commit(_new_generation, robust=True)


_GENERATION_KEY = "public_pages.generation"


def _new_generation() -> None:
    """After a commit: every process's next request reads the sessions' rows anew (a token never used before, so two
    commits' callbacks running in either order both leave a generation newer than both changes)."""
    shared = caches["public_pages"].shared
    if shared is not None:
        shared.set(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _rows_from_database() -> tuple:
    return tuple(
        ThematicSession.objects.order_by("pk").values_list("pk", "slug", "status", "public_version", *_boundaries)
    )


def _session_rows() -> tuple:
    """(pk, slug, status, version, *instants) of every session: from the cache when it is shared (no query)."""
    pages = caches["public_pages"]
    shared = pages.shared
    if shared is None:
        return _rows_from_database()
    generation = shared.get(_GENERATION_KEY)
    if generation is None:
        rows = _rows_from_database()
        generation = "db." + hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()
        # add, not set: a commit's fresh generation set meanwhile wins over rows read before it.
        if shared.add(_GENERATION_KEY, generation, timeout=None):
            pages.set(f"public_pages.sessions.{generation}", rows)
        return rows
    rows = pages.get(f"public_pages.sessions.{generation}")
    if rows is None:
        # Read after the generation was made, so at least as new as it: safe to keep under it.
        rows = _rows_from_database()
        pages.set(f"public_pages.sessions.{generation}", rows)
    return rows


@dataclass(frozen=True)
class PublicPage:
    """What a template needs to cache a page: `key` varies with content, language and phase."""

    key: str
    timeout: int = PUBLIC_PAGE_SECONDS


def _phase(instants, now: datetime) -> str:
    return "".join("1" if instant and now >= instant else "0" for instant in instants)


def session_page(*, slug: str, now: datetime | None = None) -> PublicPage:
    """The key of a published (or closed) session's pages; 404 if there is none. No query when the cache is shared
    and knows the sessions' rows, else one."""
    now = now or timezone.now()
    for pk, row_slug, status, version, *instants in _session_rows():
        if row_slug == slug and status != ThematicSession.Status.DRAFT:
            return PublicPage(key=f"{pk}.{version}.{_phase(instants, now)}.{translation.get_language()}")
    raise Http404("No published session here.")


def session_list_page(*, now: datetime | None = None) -> PublicPage:
    """The key of the list of sessions: every session's version and phase (a draft published, a session added or
    removed changes it too). No query when the cache is shared and knows the sessions' rows, else one."""
    now = now or timezone.now()
    parts = [
        f"{pk}.{status}.{version}.{_phase(instants, now)}" for pk, _slug, status, version, *instants in _session_rows()
    ]
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
