"""Times of a session in its venue's time zone, and the session as an iCalendar file (RFC 5545)."""

from datetime import UTC, datetime, timedelta

import icalendar
from django.conf import settings
from django.utils.translation import gettext

from sessions.models import ThematicSession


def timezone_label(session: ThematicSession) -> str:
    """e.g. "Geneva time (Europe/Zurich, UTC+02:00)", the offset on the session's first day."""
    zone = session.venue.zone
    offset = datetime.combine(session.start_date, datetime.min.time(), tzinfo=zone).strftime("%z")
    return gettext("%(city)s time (%(zone)s, UTC%(offset)s)") % {
        "city": session.venue.local_duty_station,
        "zone": session.venue.timezone,
        "offset": f"{offset[:3]}:{offset[3:]}",
    }


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Compact Portal//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def event_ics(
    *,
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    location: str,
    description: str = "",
    name: str = "",
    now: datetime | None = None,
) -> bytes:
    """One timed event (aware start and end, e.g. a speaking slot) as an iCalendar file with its time zone."""
    cal = _calendar(name or summary)
    event = icalendar.Event()
    event.add("uid", f"{uid}@{settings.MESSAGE_ID_DOMAIN}")
    event.add("dtstamp", _stamp(now))
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("location", location)
    if description:
        event.add("description", description)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _stamp(now: datetime | None) -> datetime:
    # DTSTAMP, required in every VEVENT (RFC 5545, 3.6.1): when this file was made, in UTC, to the second.
    return (now or datetime.now(tz=UTC)).astimezone(UTC).replace(microsecond=0)


def session_ics(session: ThematicSession, *, now: datetime | None = None) -> bytes:
    """The session as an all-day event plus one timed event per agenda item, in the venue's time zone."""
    zone = session.venue.zone
    stamp = _stamp(now)
    cal = _calendar(f"{session.process.short_name} {session.ordinal_name}")
    host = settings.MESSAGE_ID_DOMAIN

    whole = icalendar.Event()
    whole.add("uid", f"session-{session.pk}@{host}")
    whole.add("dtstamp", stamp)
    whole.add("summary", f"{session.ordinal_name}: {session.local_title}")
    whole.add("dtstart", session.start_date)
    whole.add("dtend", session.end_date + timedelta(days=1))
    whole.add("location", session.venue.local_name)
    cal.add_component(whole)

    for item in session.agenda_items.all():
        event = icalendar.Event()
        event.add("uid", f"agenda-item-{item.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", item.local_title + (" (" + gettext("tentative") + ")" if item.tentative else ""))
        event.add("dtstart", datetime.combine(item.day, item.start_time, tzinfo=zone))
        event.add("dtend", datetime.combine(item.day, item.end_time, tzinfo=zone))
        event.add("location", f"{item.room_name}, {session.venue.building}, {session.venue.local_duty_station}")
        if item.tentative:
            event.add("status", "TENTATIVE")
        if item.description:
            event.add("description", item.local_description)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
