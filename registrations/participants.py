"""A session's provisional list of participants, in the United Nations' order: Member States in English alphabetical
order, then Observer States, then intergovernmental organizations, the United Nations system, and stakeholders;
each delegation headed by its head of delegation. As a page (the admin), a tagged PDF and a CSV.

The portal records delegations of Member and Observer States (approved registrations) and representatives of
stakeholder organizations (confirmed per session); it has no registrations of intergovernmental organizations or
of the UN system yet, so those sections are empty and left out.

Reads run a fixed number of queries whatever the size (three: registrations, their members, representatives), and
the PDF is laid out in chunks of delegations so that its time grows linearly with the number of names and the
worker can report its progress (registrations/documents.py makes both in the background).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import translation

from compact_portal.csv_export import csv_bytes
from compact_portal.pdf import htmls_to_pdf
from registrations.models import DelegationMember, DelegationRegistration, Representation, State
from sessions.models import ThematicSession

TITLE = "Provisional list of participants"
MEMBER_STATES = "Member States"
OBSERVER_STATES = "Observer States"
INTERGOVERNMENTAL = "Intergovernmental organizations"
UN_SYSTEM = "United Nations system"
STAKEHOLDERS = "Stakeholders"
SECTION_ORDER = [MEMBER_STATES, OBSERVER_STATES, INTERGOVERNMENTAL, UN_SYSTEM, STAKEHOLDERS]
MEMBERSHIP_SECTIONS = {State.Membership.MEMBER: MEMBER_STATES, State.Membership.OBSERVER: OBSERVER_STATES}

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
    "Reference",
]

# Names per chunk of the PDF: each chunk is laid out on its own, so layout time stays linear in the names.
PDF_CHUNK_NAMES = 400


@dataclass
class Participant:
    name: str
    function: str
    is_head: bool = False
    honorific: str = ""
    given_name: str = ""
    family_name: str = ""
    attendance: str = ""
    email: str = ""


@dataclass
class Delegation:
    section: str
    name: str
    reference: str
    members: list[Participant] = field(default_factory=list)


def _dates(session: ThematicSession) -> str:
    start, end = session.start_date, session.end_date
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def heading(session: ThematicSession) -> dict:
    """The list's heading: its title, the session's name, title, dates and venue (in English)."""
    with translation.override("en"):
        return {
            "title": TITLE,
            "session_name": session.ordinal_name,
            "session_title": session.title,
            "dates": _dates(session),
            "venue": session.venue.local_name,
            "process": session.process.name,
        }


def approved_registrations(session: ThematicSession):
    """The session's approved delegations (by State's English name), each with its members in delegation order
    (head first): two queries, whatever their number. The list of participants and the confirmation letters' zip."""
    members = DelegationMember.objects.order_by("-is_head", "order", "id")
    return (
        DelegationRegistration.objects.filter(session=session, status=DelegationRegistration.Status.APPROVED)
        .select_related("mission__state", "session__venue", "session__process")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("mission__state__name_en")
    )


def _state_key(registration) -> tuple:
    state = registration.mission.state
    return (SECTION_ORDER.index(MEMBERSHIP_SECTIONS.get(state.membership, MEMBER_STATES)), state.name_en.casefold())


def delegations(session: ThematicSession) -> Iterator[Delegation]:
    """Every delegation of the session, in the list's order, each with its members (head first). Three queries."""
    with translation.override("en"):
        for registration in sorted(approved_registrations(session), key=_state_key):
            state = registration.mission.state
            yield Delegation(
                section=MEMBERSHIP_SECTIONS.get(state.membership, MEMBER_STATES),
                name=state.name_en,
                reference=registration.reference,
                members=[
                    Participant(
                        name=member.display_name,
                        function=member.function,
                        is_head=member.is_head,
                        honorific=member.honorific,
                        given_name=member.given_name,
                        family_name=member.family_name,
                        attendance=str(member.get_attendance_display()),
                        email=member.email,
                    )
                    for member in registration.members.all()
                ],
            )
        yield from _stakeholders(session)


def _stakeholders(session: ThematicSession) -> Iterator[Delegation]:
    confirmed = (
        Representation.objects.filter(session=session, status=Representation.Status.CONFIRMED)
        .select_related("organization", "user")
        .order_by("organization__name", "decided_at", "id")
    )
    current = None
    for representation in confirmed:
        organization = representation.organization
        if current is None or current.name != str(organization):
            if current is not None:
                yield current
            current = Delegation(section=STAKEHOLDERS, name=str(organization), reference="")
        user = representation.user
        current.members.append(
            Participant(
                name=user.get_full_name() or user.email,
                function=representation.function,
                given_name=user.first_name,
                family_name=user.last_name,
                attendance="In person",
                email=user.email,
            )
        )
    if current is not None:
        yield current


def sections(session: ThematicSession) -> list[dict]:
    """[{"title", "delegations": [Delegation]}] in the list's order; empty sections left out."""
    result: list[dict] = []
    for delegation in delegations(session):
        if not result or result[-1]["title"] != delegation.section:
            result.append({"title": delegation.section, "delegations": []})
        result[-1]["delegations"].append(delegation)
    return result


def count_names(session: ThematicSession) -> int:
    """The names on the list: the approved delegations' kept member counts (not a count of their members), and the
    confirmed representatives."""
    approved = DelegationRegistration.objects.filter(
        session=session, status=DelegationRegistration.Status.APPROVED
    ).aggregate(names=Coalesce(Sum("member_count"), 0))["names"]
    stakeholders = Representation.objects.filter(session=session, status=Representation.Status.CONFIRMED).count()
    return approved + stakeholders


# --- CSV ----------------------------------------------------------------------------------------------------------


Progress = Callable[[int], None]  # called with the number of names done so far


def participants_csv(session: ThematicSession, *, progress: Progress | None = None) -> bytes:
    """The list as CSV (compact_portal.csv_export: UTF-8 with a BOM, formula cells escaped); `progress(names done)`
    after each delegation."""

    def rows():
        done = 0
        for delegation in delegations(session):
            for member in delegation.members:
                yield [
                    delegation.section,
                    delegation.name,
                    "yes" if member.is_head else "",
                    member.honorific,
                    member.given_name,
                    member.family_name,
                    member.function,
                    member.attendance,
                    member.email,
                    delegation.reference,
                ]
            done += len(delegation.members)
            if progress:
                progress(done)

    return csv_bytes(header=CSV_HEADER, rows=rows())


# --- PDF ----------------------------------------------------------------------------------------------------------


def _chunks(session: ThematicSession) -> Iterator[tuple[list[dict], int]]:
    """([{"title", "continued", "delegations"}], names) per chunk of about PDF_CHUNK_NAMES names; a delegation is
    never split between chunks."""
    chunk: list[dict] = []
    names = 0
    for delegation in delegations(session):
        if names >= PDF_CHUNK_NAMES:
            yield chunk, names
            chunk, names = [], 0
        if not chunk or chunk[-1]["title"] != delegation.section:
            chunk.append({"title": delegation.section, "delegations": []})
        chunk[-1]["delegations"].append(delegation)
        names += len(delegation.members)
    if chunk or names == 0:
        yield chunk, names


def participants_pdf(session: ThematicSession, *, progress: Progress | None = None) -> bytes:
    """The list as a tagged PDF (pdf/ua-1, English). Laid out a chunk at a time; `progress(names done)` after each."""
    head = heading(session)
    seen_sections: set[str] = set()
    htmls = []
    names_per_chunk = []
    for index, (chunk, names) in enumerate(_chunks(session)):
        for section in chunk:
            section["continued"] = section["title"] in seen_sections
            seen_sections.add(section["title"])
        context = {**head, "language": "en", "first": index == 0, "sections": chunk}
        htmls.append(render_to_string("registrations/participants_list.html", context))
        names_per_chunk.append(names)

    done = 0

    def rendered(index: int) -> None:
        nonlocal done
        done += names_per_chunk[index]
        if progress:
            progress(done)

    return htmls_to_pdf(htmls, on_rendered=rendered)


def filename(session: ThematicSession, extension: str) -> str:
    return f"{session.code}-participants.{extension}"
