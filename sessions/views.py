from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sessions import calendar, participation, selectors


def session_list(request):
    """The front door: each session with each audience's way in (registration open until …, closed, upcoming)."""
    sessions = list(selectors.public_sessions())
    ways = participation.ways_in(sessions, now=timezone.now())
    for session in sessions:
        session.ways_in = ways[session.pk]
    return render(request, "sessions/session_list.html", {"sessions": sessions})


def session_detail(request, slug):
    session = selectors.public_session_with_programme(slug=slug)
    context = {
        "session": session,
        "agenda": selectors.agenda_by_day(session),
        "timezone_label": calendar.timezone_label(session),
        "ways_in": participation.ways_in([session], now=timezone.now())[session.pk],
    }
    return render(request, "sessions/session_detail.html", context)


def session_calendar(request, slug):
    session = selectors.public_session_with_programme(slug=slug)
    response = HttpResponse(calendar.session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.slug}.ics"'
    return response
