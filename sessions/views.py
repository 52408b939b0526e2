from django.http import HttpResponse
from django.shortcuts import render

from sessions import calendar, selectors


def session_list(request):
    return render(request, "sessions/session_list.html", {"sessions": selectors.public_sessions()})


def session_detail(request, slug):
    session = selectors.public_session_with_programme(slug=slug)
    context = {
        "session": session,
        "agenda": selectors.agenda_by_day(session),
        "timezone_label": calendar.timezone_label(session),
    }
    return render(request, "sessions/session_detail.html", context)


def session_calendar(request, slug):
    session = selectors.public_session_with_programme(slug=slug)
    response = HttpResponse(calendar.session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{session.slug}.ics"'
    return response
