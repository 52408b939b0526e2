"""A strict reading of an iCalendar file and the RFC 5545 rules every .ics of the portal must keep.

No validator for RFC 5545 is packaged for Python; this checks what calendar programs rely on: the file's lines
(CRLF, folded at 75 octets), icalendar's parse without errors, and the required properties of VCALENDAR (3.6),
VEVENT (3.6.1) and VTIMEZONE (3.6.5) with their cardinality, and that every TZID used has its VTIMEZONE.
"""

from datetime import date, datetime

import icalendar


def rfc5545_problems(data: bytes | str) -> list[str]:
    """Every breach of the rules above, as text; an empty list for a valid file (or e-mail attachment, a str)."""
    data = data.encode() if isinstance(data, str) else data
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("the file does not end with CRLF")
    lines = data.split(b"\r\n")[:-1]
    for number, line in enumerate(lines, start=1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number}: a bare LF or CR")
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets, more than 75 without folding")
    if not lines or lines[0] != b"BEGIN:VCALENDAR" or lines[-1] != b"END:VCALENDAR":
        problems.append("the file is not one VCALENDAR")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        return [*problems, f"does not parse: {error}"]
    for component in calendar.walk():
        problems += [f"{component.name}: {error}" for error in component.errors]

    problems += _cardinality(calendar, once=["PRODID", "VERSION"])
    if str(calendar.get("VERSION")) != "2.0":
        problems.append("VCALENDAR: VERSION is not 2.0")
    if not calendar.walk("VEVENT"):
        problems.append("VCALENDAR: no VEVENT")
    timezones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE") if "TZID" in zone}
    for zone in calendar.walk("VTIMEZONE"):
        problems += _cardinality(zone, once=["TZID"])
        rules = zone.walk("STANDARD") + zone.walk("DAYLIGHT")
        if not rules:
            problems.append(f"VTIMEZONE {zone.get('TZID')}: neither STANDARD nor DAYLIGHT")
        for rule in rules:
            problems += _cardinality(rule, once=["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"])
    for event in calendar.walk("VEVENT"):
        problems += _cardinality(
            event,
            once=["UID", "DTSTAMP", "DTSTART"],
            at_most_once=["DTEND", "DURATION", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS"],
        )
        if "DTSTAMP" in event and not event["DTSTAMP"].to_ical().endswith(b"Z"):
            problems.append(f"VEVENT {event.get('UID')}: DTSTAMP is not in UTC")
        if "DTEND" in event and "DURATION" in event:
            problems.append(f"VEVENT {event.get('UID')}: both DTEND and DURATION")
        if "DTSTART" in event and "DTEND" in event:
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            if isinstance(start, datetime) != isinstance(end, datetime) or not isinstance(start, date):
                problems.append(f"VEVENT {event.get('UID')}: DTSTART and DTEND of different value types")
            elif end <= start:
                problems.append(f"VEVENT {event.get('UID')}: DTEND is not after DTSTART")
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID") if name in event else None
            if tzid and tzid not in timezones:
                problems.append(f"VEVENT {event.get('UID')}: {name} uses TZID {tzid} without its VTIMEZONE")
    return problems


def _cardinality(component, *, once=(), at_most_once=()) -> list[str]:
    problems = []
    for name in [*once, *at_most_once]:
        value = component.get(name)
        count = len(value) if isinstance(value, list) else int(value is not None)
        if name in once and count != 1:
            problems.append(f"{component.name}: {name} appears {count} times, must appear once")
        if name in at_most_once and count > 1:
            problems.append(f"{component.name}: {name} appears {count} times, at most once")
    return problems
