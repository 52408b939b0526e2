"""Confirmation letters: one page per member of an approved delegation, with the QR code for the badge desk.

Rendered by the project's one PDF renderer from templates/registrations/confirmation_letter.html, in the language
asked for (the page's language for a download, the delegation's language for an e-mail); the template sees only the
plain values built here.
"""

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compact_portal.pdf import render_pdf
from registrations.badges import badge_code, qr_svg
from registrations.models import DelegationMember, DelegationRegistration

TEMPLATE = "registrations/confirmation_letter.html"

# Where badges are collected, by duty station (the venue's city); otherwise the building's badge office.
BADGE_DESKS = {
    "geneva": _("the Pregny Gate of the Palais des Nations, Geneva"),
    "new york": _("the Pass and Identification Office, 801 First Avenue at 45th Street, New York"),
    "vienna": _("Gate 1 of the Vienna International Centre"),
}


def _dates(start, end) -> str:
    """The session's dates in the active language: "12 October 2017 – 13 October 2017", "2017年10月12日 – …"."""
    if start == end:
        return formats.date_format(start)
    return f"{formats.date_format(start)} – {formats.date_format(end)}"


def letter_values(*, registration: DelegationRegistration, member: DelegationMember, issued) -> dict:
    """The plain values of one member's letter, in the active language."""
    session = registration.session
    venue = session.venue
    state = registration.mission.state
    code = badge_code(registration_id=registration.pk, member_id=member.pk)
    in_person = member.attendance == DelegationMember.Attendance.IN_PERSON
    language = translation.get_language() or "en"
    return {
        "reference": f"{registration.reference}-{member.pk}",
        "name": member.display_name,
        "function": member.function,
        "is_head": member.is_head,
        "state": state.name(language),
        "mission": registration.mission.name,
        "process": session.process.name,
        "session_name": session.ordinal_name,
        "session_title": session.localized("title", language),
        "dates": _dates(session.start_date, session.end_date),
        "venue": venue.local_name,
        "place_date": f"{venue.local_duty_station}, {formats.date_format(issued)}",
        "in_person": in_person,
        "attendance": member.get_attendance_display(),
        "badge_desk": str(
            BADGE_DESKS.get(
                venue.duty_station.strip().casefold(),
                gettext("the badge office of the %(building)s") % {"building": venue.building},
            )
        ),
        "badge_code": code,
        "qr_svg": qr_svg(code, title=gettext("Badge code for %(name)s") % {"name": member.full_name})
        if in_person
        else "",
    }


def confirmation_letters_pdf(
    *, registration: DelegationRegistration, members=None, language: str | None = None
) -> bytes:
    """One PDF with a letter per member (all members, or those given), in delegation order, in `language` (the
    active language if not given). The PDF is tagged with that language and laid out right to left in Arabic."""
    members = list(members if members is not None else registration.members.all())
    issued = timezone.localdate(registration.decided_at) if registration.decided_at else timezone.localdate()
    language = language or translation.get_language() or "en"
    with translation.override(language):
        letters = [letter_values(registration=registration, member=member, issued=issued) for member in members]
        title = gettext("Confirmation of registration, %(reference)s") % {"reference": registration.reference}
        context = {
            "title": title,
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "letters": letters,
        }
        return render_pdf(template_name=TEMPLATE, context=context)


def letters_filename(*, registration: DelegationRegistration, member: DelegationMember | None = None) -> str:
    base = f"confirmation-{registration.reference}"
    if member is not None:
        base += f"-{slugify(member.family_name) or member.pk}"
    return f"{base}.pdf"
