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

Two layers. The page's content, the same for everyone: the templates wrap it in `{% cache page.timeout … page.key %}`
(shared by all processes), and the views pass lazy objects that query only on a miss. And the whole page for a
visitor (`visitor_response`): a GET without a session cookie (so nobody signed in, no messages waiting) and without a
query string is answered from this process's memory, frame included (the frame then holds nothing personal: the
language switch is links, not a form with a token). A signed-in user's page is rendered around the cached content:
their menu, their messages, their token, never kept.
"""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from sessions.models import ThematicSession

# Versions change the keys; the timeout only frees the cache of pages nobody asks for.
PUBLIC_PAGE_SECONDS = 24 * 3600

# Instants at which a public page changes by itself (paths from ThematicSession, each a DateTimeField). The apps
# that take registrations add theirs (registrations: the dialogue's opening and deadline) in AppConfig.ready().
_boundaries: list[str] = ["registration_deadline"]


def register_boundary(path: str) -> None:
    if path not in _boundaries:
        _boundaries.append(path)


def public_pages_changed(*, session: ThematicSession | int | set[int] | None = None) -> None:
    """Call after a write that changes what public pages show (in its transaction): the session's pages (or those of
    a set of sessions' ids), or every session's with session=None (a venue, a person, a process, an organization's
    name …)."""
    sessions = ThematicSession.objects.all()
    if isinstance(session, set):
        sessions = sessions.filter(pk__in=session)
    elif session is not None:
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


def session_state(pk: int) -> tuple[str, int] | None:
    """(status, public version) of session `pk` as the public pages' keys see it, or None if they do not know it:
    no query when the cache is shared and knows the sessions' rows, else one."""
    for row_pk, _slug, status, version, *_instants in _session_rows():
        if row_pk == pk:
            return status, version
    return None


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


def _is_visitor(request) -> bool:
    """Nobody signed in and nothing waiting for them: no session cookie (sign-in, a sign-up in progress and messages
    live in the session), no messages cookie. Without a query string, so the pages kept are the few links lead to."""
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _made_for_everyone(request, response) -> bool:
    """Nothing in the rendered page belongs to this request: a success, no cookie set, no CSRF token used (it would
    be this visitor's), no session written, nobody signed in, no message added."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
        and not request.user.is_authenticated
        and not getattr(request, "_messages", None)
    )


def _headers(request, response: HttpResponse) -> HttpResponse:
    """The page depends on the cookies (a signed-in user's menu); it changes at once when its content does, so any
    cache asks again each time (an unchanged visitor's page then costs a 304); a page with a session is private."""
    patch_vary_headers(response, ["Cookie"])
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, no_cache=True)
    return response


def visitor_response(request, page: PublicPage, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The response of a public page whose content is under `page.key`: for a visitor, the whole page from this
    process's memory (rendered by `render` once per process, page and content version; kept only if nothing in it was
    made for this request), with its content's ETag; for anyone else, `render()` (their menu, around the cached
    content). This process's memory, not Redis: the frame comes from this process's code and templates, which a
    deployment changes without changing the content's version."""
    if not _is_visitor(request):
        return _headers(request, render())
    key = f"public.response.{request.path}.{page.key}"
    memory = caches["public_pages"].local
    entry = memory.get(key)
    if entry is None:
        response = render()
        if not _made_for_everyone(request, response):
            return _headers(request, response)
        etag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
        entry = (response.content, response["Content-Type"], etag)
        memory.set(key, entry, page.timeout)
    content, content_type, etag = entry
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=_headers(request, response))


class PublicContentAdminMixin:
    """For the ModelAdmin of anything public pages show: each save or deletion, inlines included, changes the cached
    pages that show it, once. The admin saves the object (save_model), then its inlines (save_related), in one
    transaction, on the change page and in the list alike: the version is bumped after both, in one UPDATE.

    `public_session_field` names the model's field of the one session whose pages show it ("session" for an agenda
    item, "pk" for a session itself); None (a venue, a person, a process, an organization: shown on several sessions'
    pages) changes every session's."""

    public_session_field: str | None = None

    def _sessions_showing(self, obj, form=None, change=False) -> set | None:
        field = self.public_session_field
        if field is None:
            return None
        if field == "pk":
            return {obj.pk}
        sessions = {getattr(obj, f"{field}_id")}
        if change and form is not None and form.initial.get(field) is not None:
            sessions.add(form.initial[field])  # moved from another session: that one's pages change too
        return sessions

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        public_pages_changed(session=self._sessions_showing(form.instance, form, change))

    def delete_model(self, request, obj):
        sessions = self._sessions_showing(obj)
        super().delete_model(request, obj)
        public_pages_changed(session=sessions)

    def delete_queryset(self, request, queryset):
        field = self.public_session_field
        sessions = None if field is None else set(queryset.values_list(field, flat=True))
        super().delete_queryset(request, queryset)
        public_pages_changed(session=sessions)
