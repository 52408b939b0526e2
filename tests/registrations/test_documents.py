"""Long documents in the background: the secretariat asks from a session's list of participants, a worker (here
the task, run after the commit) makes the file with its progress, the secretariat downloads it and may publish the
list on the session's page. Co-facilitators may not; a task delivered twice makes the document once."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from registrations import documents, services
from registrations.models import GeneratedDocument, PermanentMission, State


@pytest.fixture
def approved_session(open_session, mission_mex, mission_che, make_focal_point, make_registration, secretariat_user):
    for mission in (mission_mex, mission_che):
        make_registration(
            session=open_session,
            mission=mission,
            focal_point=make_focal_point(mission),
            secretariat=secretariat_user,
            status="approved",
            members=[services.MemberData(family_name=f"Adviser {mission.state.iso3}", function="Adviser")],
        )
    return open_session


def _make(client, session, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:registrations_generateddocument_make", args=[session.slug]), {"kind": kind}
        )
    assert response.status_code == 302
    return GeneratedDocument.objects.get(kind=kind)


def test_secretariat_makes_downloads_and_publishes_the_list(
    client, secretariat_user, approved_session, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:registrations_generateddocument_participants", args=[approved_session.slug]))
    assert page.status_code == 200
    assert [(row["name"], row["members"]) for row in page.context["rows"]] == [("Mexico", 2), ("Switzerland", 2)]

    document = _make(client, approved_session, "participants_pdf", django_capture_on_commit_callbacks)
    assert document.progress() == {
        "status": "done",
        "status_label": "Ready",
        "stage": "",
        "done_steps": 4,
        "total_steps": 4,
        "percent": 100.0,
        "names": 4,
        "done": True,
        "error": "",
    }
    download = client.get(reverse("admin:registrations_generateddocument_download", args=[document.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="ITS{approved_session.number}-participants.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    public = reverse("registrations:participants_list", kwargs={"slug": approved_session.slug})
    client.logout()
    assert client.get(public).status_code == 404
    assert "List of participants" not in client.get(approved_session.get_absolute_url()).content.decode()

    client.force_login(secretariat_user)
    confirm = client.get(reverse("admin:registrations_generateddocument_publish", args=[document.pk]))
    assert "The list of 4 participants" in confirm.content.decode()
    client.post(reverse("admin:registrations_generateddocument_publish", args=[document.pk]), {"published": "1"})
    client.logout()
    response = client.get(public)
    text = " ".join(PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text().split())
    assert "Provisional list of participants Member States Mexico" in text
    assert public in client.get(approved_session.get_absolute_url()).content.decode()


def test_csv_and_letters_are_made_in_the_background(
    client, secretariat_user, approved_session, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)
    listing = _make(client, approved_session, "participants_csv", django_capture_on_commit_callbacks)
    assert (listing.status, listing.names, listing.filename) == (
        "done",
        4,
        f"ITS{approved_session.number}-participants.csv",
    )
    letters = _make(client, approved_session, "letters_zip", django_capture_on_commit_callbacks)
    with zipfile.ZipFile(letters.file.open("rb")) as archive:
        names = sorted(archive.namelist())
        assert [len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in names] == [2, 2]
    assert [name.split("-")[-2] for name in names] == ["CHE", "MEX"]


def test_a_task_delivered_twice_makes_the_document_once(secretariat_user, approved_session):
    document = GeneratedDocument.objects.create(session=approved_session, kind="participants_csv")
    assert documents.document_generate(document_id=document.pk) is True
    first = GeneratedDocument.objects.get(pk=document.pk).file.name
    assert documents.document_generate(document_id=document.pk) is False
    assert GeneratedDocument.objects.get(pk=document.pk).file.name == first


def test_cofacilitators_may_not_make_or_download(client, cofacilitator_user, approved_session):
    client.force_login(cofacilitator_user)
    page = reverse("admin:registrations_generateddocument_participants", args=[approved_session.slug])
    assert client.get(page).status_code == 403
    make = reverse("admin:registrations_generateddocument_make", args=[approved_session.slug])
    assert client.post(make, {"kind": "participants_pdf"}).status_code == 403
    assert GeneratedDocument.objects.count() == 0


def test_participants_page_runs_the_same_queries_for_1_and_50_delegations(
    client, secretariat_user, open_session, groups, make_focal_point, make_registration
):
    counter = iter(range(100))

    def add(count):
        for _ in range(count):
            n = next(counter)
            state = State.objects.create(
                iso3=f"X{n:02d}", iso2=f"{n:02d}", name_en=f"State {n:02d}", name_fr=f"État {n:02d}",
                membership="member", regional_group=groups["WEOG"],
            )  # fmt: skip
            mission = PermanentMission.objects.create(state=state, name=f"Mission {n:02d}")
            make_registration(
                session=open_session,
                mission=mission,
                focal_point=make_focal_point(mission),
                secretariat=secretariat_user,
                status="approved",
            )

    client.force_login(secretariat_user)
    url = reverse("admin:registrations_generateddocument_participants", args=[open_session.slug])

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    add(1)
    one = queries()
    add(49)
    assert queries() == one


def test_the_letters_zip_reads_the_same_queries_for_1_and_4_approved_delegations(
    secretariat_user, open_session, groups, make_focal_point, make_registration, django_capture_on_commit_callbacks
):
    """The members of every approved delegation in one query, not one per delegation (the zip of a COP-sized session
    has 198). Only reads are counted: the progress is written once per percent, more often for more names."""
    counter = iter(range(10))

    def add(count):
        for _ in range(count):
            n = next(counter)
            state = State.objects.create(
                iso3=f"X{n:02d}", iso2=f"{n:02d}", name_en=f"State {n:02d}", name_fr=f"État {n:02d}",
                membership="member", regional_group=groups["WEOG"],
            )  # fmt: skip
            mission = PermanentMission.objects.create(state=state, name=f"Mission {n:02d}")
            make_registration(
                session=open_session,
                mission=mission,
                focal_point=make_focal_point(mission),
                secretariat=secretariat_user,
                status="approved",
            )

    def reads():
        with django_capture_on_commit_callbacks(execute=False):
            document = documents.document_request(session=open_session, kind="letters_zip", by=secretariat_user)
        with CaptureQueriesContext(connection) as context:
            assert documents.document_generate(document_id=document.pk) is True
        assert GeneratedDocument.objects.get(pk=document.pk).status == "done"
        return len([query for query in context.captured_queries if query["sql"].startswith("SELECT")])

    add(1)
    one = reads()
    add(3)
    assert reads() == one
