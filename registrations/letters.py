"""Confirmation letters: one page per member of an approved delegation, with the QR code for the badge desk.

Rendered by the project's one PDF renderer from templates/registrations/confirmation_letter.html; the template
sees only the plain values built here.
"""

from django.utils import timezone
from django.utils.text import slugify

from compact_portal.pdf import render_pdf
from registrations.badges import badge_code, qr_svg
from registrations.models import DelegationMember, DelegationRegistration

TEMPLATE = "registrations/confirmation_letter.html"

# Where badges are collected, by duty station (the venue's city); otherwise the building's badge office.
BADGE_DESKS = {
    "geneva": "the Pregny Gate of the Palais des Nations, Geneva",
    "new york": "the Pass and Identification Office, 801 First Avenue at 45th Street, New York",
    "vienna": "Gate 1 of the Vienna International Centre",
}


def _dates(start, end) -> str:
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return (
            f"{start.day} and {end.day} {end:%B %Y}"
            if (end - start).days == 1
            else f"{start.day}–{end.day} {end:%B %Y}"
        )
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def letter_values(*, registration: DelegationRegistration, member: DelegationMember, issued) -> dict:
    session = registration.session
    venue = session.venue
    state = registration.mission.state
    code = badge_code(registration_id=registration.pk, member_id=member.pk)
    in_person = member.attendance == DelegationMember.Attendance.IN_PERSON
    return {
        "reference": f"{registration.reference}-{member.pk}",
        "name": member.display_name,
        "function": member.function,
        "role": "Head of delegation" if member.is_head else "Member of the delegation",
        "state": state.name_en,
        "mission": registration.mission.name,
        "process": session.process.name,
        "session_name": session.ordinal_name,
        "session_title": session.title,
        "dates": _dates(session.start_date, session.end_date),
        "venue": f"{venue.room}, {venue.building}, {venue.duty_station}",
        "place_date": f"{venue.duty_station}, {issued.day} {issued:%B %Y}",
        "in_person": in_person,
        "attendance": member.get_attendance_display(),
        "badge_desk": BADGE_DESKS.get(
            venue.duty_station.strip().casefold(), f"the badge office of the {venue.building}"
        ),
        "badge_code": code,
        "qr_svg": qr_svg(code, title=f"Badge code for {member.full_name}") if in_person else "",
    }


def confirmation_letters_pdf(*, registration: DelegationRegistration, members=None) -> bytes:
    """One PDF with a letter per member (all members, or those given), in delegation order."""
    members = list(members if members is not None else registration.members.all())
    issued = timezone.localdate(registration.decided_at) if registration.decided_at else timezone.localdate()
    letters = [letter_values(registration=registration, member=member, issued=issued) for member in members]
    title = f"Confirmation of registration, {registration.reference}"
    return render_pdf(template_name=TEMPLATE, context={"title": title, "language": "en", "letters": letters})


def letters_filename(*, registration: DelegationRegistration, member: DelegationMember | None = None) -> str:
    base = f"confirmation-{registration.reference}"
    if member is not None:
        base += f"-{slugify(member.family_name) or member.pk}"
    return f"{base}.pdf"
