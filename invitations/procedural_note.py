"""The session's programme / procedural note, generated from its agenda as a tagged PDF in each official language,
and published as a session document (listed on the session's public page).

Items, times and rooms come from the agenda (`AgendaItem`, times local at the venue, with the venue's UTC offset
stated); titles and descriptions in the language where the secretariat entered them, English otherwise; the people
of each item by role (chairs, moderators, panellists, …); the informal dialogue with its time and how stakeholders
take part.
"""

from itertools import groupby

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext

from compact_portal import permissions
from compact_portal.pdf import render_pdf
from invitations.placeholders import clock_time, date_range, long_date, utc_offset
from sessions.models import AgendaItem, ItemRole, SessionDocument, ThematicSession

NOTE_TEMPLATE = "invitations/procedural_note.html"
LANGUAGES = [code for code, _ in settings.LANGUAGES]


def note_context(session: ThematicSession, *, language: str) -> dict:
    """Plain values for templates/invitations/procedural_note.html."""
    items = list(session.agenda_items.prefetch_related("roles__person").order_by("day", "start_time", "end_time", "id"))
    with translation.override(language):
        days = []
        for day, day_items in groupby(items, key=lambda item: item.day):
            days.append(
                {
                    "heading": f"{formats.date_format(day, 'l')} {long_date(day, language=language)}",
                    "items": [_item(item, session, language) for item in day_items],
                }
            )
        title = gettext("Procedural note")
        return {
            "language": language,
            "direction": "rtl" if language.split("-")[0] == "ar" else "ltr",
            "title": f"{title}: {session.localized('title', language)}",
            "heading": title,
            "session_name": session.ordinal_name,
            "session_title": session.localized("title", language),
            "when_where": f"{date_range(session.start_date, session.end_date, language=language)}, "
            + session.venue.local_name,
            "times_note": gettext("All times are the venue's local time (%(offset)s).")
            % {"offset": utc_offset(session)},
            "days": days,
            "dialogue_note": gettext(
                "Accredited stakeholder organizations take part in the informal dialogue by applying for a speaking "
                "slot on the session's page before the deadline; Member and Observer States may attend."
            ),
        }


def _item(item: AgendaItem, session: ThematicSession, language: str) -> dict:
    roles = []
    for role, links in groupby(sorted(item.roles.all(), key=lambda r: (r.role, r.order, r.pk)), key=lambda r: r.role):
        names = [link.person.full_name for link in links]
        roles.append({"label": str(ItemRole.Role(role).label), "names": ", ".join(names)})
    return {
        "time": f"{clock_time(item.start_time, language=language)}–{clock_time(item.end_time, language=language)}",
        "kind": str(AgendaItem.Kind(item.kind).label),
        "title": item.localized("title", language),
        # English where the secretariat entered no translation: marked as English (its language, its direction).
        "title_language": language if (item.translations or {}).get(language, {}).get("title") else "en",
        "description": item.localized("description", language),
        "room": item.room_name,
        "tentative": item.tentative,
        "roles": roles,
        "is_dialogue": item.kind == AgendaItem.Kind.STAKEHOLDER_DIALOGUE,
    }


def procedural_note_pdf(session: ThematicSession, *, language: str) -> bytes:
    return render_pdf(template_name=NOTE_TEMPLATE, context=note_context(session, language=language))


@transaction.atomic
def procedural_note_publish(*, session: ThematicSession, by, languages=None) -> list[SessionDocument]:
    """Generates the note in each language (all six by default) and publishes each as the session's procedural
    note in that language (replacing an earlier one). The secretariat's action; `by` None is an operator at the
    command line (the demo loader)."""
    if by is not None:
        permissions.require_secretariat(by, "Only the secretariat publishes the procedural note.")
    documents = []
    for language in languages or LANGUAGES:
        pdf = procedural_note_pdf(session, language=language)
        with translation.override(language):
            title = f"{gettext('Procedural note')}: {session.ordinal_name}"
        document = SessionDocument.objects.filter(
            session=session, kind=SessionDocument.Kind.PROCEDURAL_NOTE, language=language
        ).first() or SessionDocument(session=session, kind=SessionDocument.Kind.PROCEDURAL_NOTE, language=language)
        document.title = title
        document.file.save(f"{session.code}-procedural-note-{language}.pdf", ContentFile(pdf), save=False)
        document.save()
        documents.append(document)
    return documents
