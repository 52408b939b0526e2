"""Every .ics the portal serves keeps RFC 5545 (tests/ics.py): the session's calendar and a dialogue slot's."""

from datetime import UTC, datetime

import icalendar

from sessions.calendar import event_ics, session_ics
from tests.ics import rfc5545_problems

NOW = datetime(2026, 12, 1, 15, 4, 5, 678, tzinfo=UTC)


def test_the_session_calendar_keeps_rfc_5545_with_a_dtstamp_on_every_event(demo_session):
    data = session_ics(demo_session, now=NOW)
    assert rfc5545_problems(data) == []
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1 + demo_session.agenda_items.count()
    assert {event["DTSTAMP"].to_ical() for event in events} == {b"20261201T150405Z"}


def test_a_slot_event_keeps_rfc_5545(settings):
    from zoneinfo import ZoneInfo

    geneva = ZoneInfo("Europe/Zurich")
    data = event_ics(
        uid="dialogue-slot-7",
        summary="ITS6 informal dialogue: statement no. 1, Red Mesoamericana — a long summary " * 3,
        start=datetime(2030, 5, 7, 9, 5, tzinfo=geneva),
        end=datetime(2030, 5, 7, 9, 8, tzinfo=geneva),
        location="Conference Room XIX, Palais des Nations, Geneva",
        now=NOW,
    )
    assert rfc5545_problems(data) == []
    assert icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["DTSTAMP"].to_ical() == b"20261201T150405Z"


def test_the_checker_finds_a_missing_dtstamp_and_a_missing_timezone():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
        b"DTSTART;TZID=Europe/Zurich:20300507T090500\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert rfc5545_problems(data) == [
        "VEVENT: DTSTAMP appears 0 times, must appear once",
        "VEVENT a@x: DTSTART uses TZID Europe/Zurich without its VTIMEZONE",
    ]
