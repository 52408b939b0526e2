"""The list of participants of a session, as CSV and as PDF: Member States in English alphabetical order, then
Observer States, then organizations; each delegation headed by its head of delegation."""

from compact_portal.csv_export import csv_bytes
from compact_portal.pdf import render_pdf
from registrations import selectors
from registrations.models import State

SECTION_TITLES = {State.Membership.MEMBER: "Member States", State.Membership.OBSERVER: "Observer States"}
CSV_HEADER = [
    "Section",
    "Delegation",
    "Head of delegation",
    "Honorific",
    "Given name",
    "Family name",
    "Function or title",
    "Participation",
    "E-mail",
    "Registration",
]


def participant_sections(registrations) -> list[dict]:
    """[{"title", "delegations": [{"name", "reference", "members": [{...plain values}]}]}], in list order."""
    sections: list[dict] = []
    for registration in selectors.participants(registrations):
        title = SECTION_TITLES.get(registration.mission.state.membership, "Organizations")
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "delegations": []})
        sections[-1]["delegations"].append(
            {
                "name": registration.mission.state.name_en,
                "reference": registration.reference,
                "session": registration.session.code,
                "members": [
                    {
                        "is_head": member.is_head,
                        "honorific": member.honorific,
                        "given_name": member.given_name,
                        "family_name": member.family_name,
                        "name": member.display_name,
                        "function": member.function,
                        "attendance": member.get_attendance_display(),
                        "email": member.email,
                    }
                    for member in registration.members.all()
                ],
            }
        )
    return sections


def participants_csv(registrations) -> bytes:
    rows = (
        [
            section["title"],
            delegation["name"],
            "yes" if member["is_head"] else "",
            member["honorific"],
            member["given_name"],
            member["family_name"],
            member["function"],
            member["attendance"],
            member["email"],
            delegation["reference"],
        ]
        for section in participant_sections(registrations)
        for delegation in section["delegations"]
        for member in delegation["members"]
    )
    # Delegates type these names: formula cells are escaped (compact_portal/csv_export.py).
    return csv_bytes(header=CSV_HEADER, rows=rows)


def participants_pdf(registrations, *, title: str) -> bytes:
    context = {"title": title, "language": "en", "sections": participant_sections(registrations)}
    return render_pdf(template_name="registrations/participants_list.html", context=context)


def participants_title(registrations) -> str:
    sessions = sorted(
        {(r.session.number, r.session.ordinal_name, r.session.title) for r in registrations.select_related("session")}
    )
    if len(sessions) == 1:
        return f"List of participants: {sessions[0][1]}, {sessions[0][2]}"
    return "List of participants"
