from functools import cache

from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from sessions import calendar, participation, public_cache, selectors

# The public pages are cached per language (sessions.public_cache): the views look up the page's key (no query with
# Redis) and hand the template lazy objects that query only when the cache misses; a visitor's page is served whole.


def session_list(request):
    """The front door: each session with each audience's way in (registration open until …, closed, upcoming)."""
    now = timezone.now()
    page = public_cache.session_list_page(now=now)

    def sessions_with_ways():
        sessions = list(selectors.public_sessions())
        ways = participation.ways_in(sessions, now=now)
        for session in sessions:
            session.ways_in = ways[session.pk]
        return sessions

    context = {"page": page, "sessions": SimpleLazyObject(sessions_with_ways)}
    return public_cache.visitor_response(request, page, lambda: render(request, "sessions/session_list.html", context))


def session_detail(request, slug):
    now = timezone.now()
    page = public_cache.session_page(slug=slug, now=now)
    session = cache(lambda: selectors.public_session_with_programme(slug=slug))
    context = {
        "page": page,
        "session": SimpleLazyObject(session),
        "agenda": SimpleLazyObject(lambda: selectors.agenda_by_day(session())),
        "timezone_label": SimpleLazyObject(lambda: calendar.timezone_label(session())),
        "ways_in": SimpleLazyObject(lambda: participation.ways_in([session()], now=now)[session().pk]),
    }
    return public_cache.visitor_response(
        request, page, lambda: render(request, "sessions/session_detail.html", context)
    )


def session_calendar(request, slug):
    page = public_cache.session_page(slug=slug)
    body = caches["public_pages"].get_or_set(
        f"public.ics.{page.key}",
        lambda: calendar.session_ics(selectors.public_session_with_programme(slug=slug)),
        page.timeout,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}.ics"'
    return response
