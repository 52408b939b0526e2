"""Placeholders in letters: {{ name }} replaced by plain text values, and nothing else.

A letter author reaches only the names below, never objects, settings or files: the text is not a template, a
regular expression finds the placeholders and a dictionary of strings fills them. Values are escaped when they go
into HTML. An unknown name is an error when the letter is saved, not a blank in 195 PDFs.
"""

import re
from datetime import date, datetime, time

from django.utils import formats, translation
from django.utils.html import escape

from sessions.models import AgendaItem, ThematicSession

PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")

RECIPIENT_PLACEHOLDERS = {
    "recipient_name": "The recipient: the mission's name, or the name given in the uploaded list.",
    "mission_name": "e.g. Permanent Mission of Mexico to the United Nations",
    "state_name": "e.g. Mexico",
    "head_honorific": "e.g. H.E. Mr.",
    "head_name": "e.g. Juan José Gómez-Camacho",
    "head_title": "e.g. Ambassador and Permanent Representative",
}
SESSION_PLACEHOLDERS = {
    "session_title": "The session's title, in the letter's language where the session has it.",
    "session_number": "e.g. 6",
    "session_ordinal": "e.g. sixth",
    "session_dates": "e.g. 12-13 October 2017",
    "venue_room": "e.g. Conference Room XIX",
    "dialogue_date": "Day of the informal dialogue with stakeholders, e.g. 13 October 2017",
    "dialogue_start": "e.g. 9:00 am",
    "dialogue_end": "e.g. 9:50 am",
    "venue_building": "e.g. Palais des Nations",
    "venue_city": "e.g. Geneva (Genève in French)",
    "venue_utc_offset": "The venue's time zone on the session's first day, e.g. UTC+2: times are the venue's.",
    "process_name": "The process, e.g. Global compact for safe, orderly and regular migration",
    "mandate": "e.g. A/RES/71/280",
    "website": "The process's website.",
}
PLACEHOLDERS = RECIPIENT_PLACEHOLDERS | SESSION_PLACEHOLDERS

_ORDINALS = {
    "en": ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"],
    "fr": ["première", "deuxième", "troisième", "quatrième", "cinquième", "sixième", "septième", "huitième",
           "neuvième", "dixième"],
    "es": ["primera", "segunda", "tercera", "cuarta", "quinta", "sexta", "séptima", "octava", "novena", "décima"],
}  # fmt: skip


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS})


def fill(text: str, values: dict[str, str], *, html: bool) -> str:
    """Replaces each placeholder by its value (escaped for HTML when `html`); unknown names are left visible."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return escape(values[name]) if html else values[name]

    return PLACEHOLDER.sub(value, text)


def session_values(session: ThematicSession, *, language: str) -> dict[str, str]:
    venue, process = session.venue, session.process
    base = language.split("-")[0]
    ordinals = _ORDINALS.get(base)
    dialogue = (
        session.agenda_items.filter(kind=AgendaItem.Kind.STAKEHOLDER_DIALOGUE).order_by("day", "start_time").first()
    )
    with translation.override(language):
        dialogue_values = {
            "dialogue_date": long_date(dialogue.day, language=language) if dialogue else "",
            "dialogue_start": clock_time(dialogue.start_time, language=language) if dialogue else "",
            "dialogue_end": clock_time(dialogue.end_time, language=language) if dialogue else "",
        }
        venue_city = venue.local_duty_station
    return dialogue_values | {
        "session_title": session.localized("title", language),
        "session_number": str(session.number),
        "session_ordinal": ordinals[session.number - 1]
        if ordinals and session.number <= len(ordinals)
        else str(session.number),
        "session_dates": date_range(session.start_date, session.end_date, language=language),
        "venue_room": venue.localized("room", language),
        "venue_building": venue.building,
        "venue_city": venue_city,
        "venue_utc_offset": utc_offset(session),
        "process_name": process.name,
        "mandate": process.mandate,
        "website": process.website,
    }


def utc_offset(session: ThematicSession) -> str:
    """e.g. 'UTC+2' for Geneva in October: the offset of the venue's zone at noon on the first day."""
    noon = datetime.combine(session.start_date, time(12), tzinfo=session.venue.zone)
    minutes = int(noon.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


# How a day is written in a letter: "13 octobre 2017", "13 de octubre de 2017"; the locale's date otherwise.
_LONG_DATE = {"en": "j F Y", "fr": "j F Y", "es": r"j \d\e F \d\e Y"}


def long_date(day: date, *, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, _LONG_DATE.get(language.split("-")[0], "DATE_FORMAT"))


def date_range(start: date, end: date, *, language: str) -> str:
    """'12-13 October 2017' in English, '12 et 13 octobre 2017' in French, '12 y 13 de octubre de 2017' in
    Spanish, '12 и 13 октября 2017 г.' in Russian, '2017年10月12日至13日' in Chinese; the locale's dates otherwise."""
    with translation.override(language):
        if start == end:
            return long_date(start, language=language)
        base = language.split("-")[0]
        if (start.year, start.month) == (end.year, end.month) and base in {"en", "fr", "es", "ru", "zh"}:
            if base == "zh":
                return f"{long_date(start, language=language)}至{end.day}日"
            if base == "ru":
                joiner = " и " if (end - start).days == 1 else "–"
                return f"{start.day}{joiner}{long_date(end, language=language)}"
            if base == "en":
                return f"{start.day}-{end.day} {formats.date_format(end, 'F Y')}"
            if base == "es":
                joiner = " y " if (end - start).days == 1 else " al "
                return f"{start.day}{joiner}{long_date(end, language=language)}"
            joiner = " et " if (end - start).days == 1 else "-"
            return f"{start.day}{joiner}{end.day} {formats.date_format(end, 'F Y')}"
        return f"{long_date(start, language=language)} – {long_date(end, language=language)}"


def clock_time(value: time, *, language: str) -> str:
    """'9:00 am' as UN letters in English write it, '9 h 00' in French, 24-hour 'H:MM' otherwise."""
    base = language.split("-")[0]
    if base == "en":
        return f"{value.hour % 12 or 12}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"
    if base == "fr":
        return f"{value.hour} h {value.minute:02d}"
    return f"{value.hour}:{value.minute:02d}"
