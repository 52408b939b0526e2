"""Long documents in the background: the secretariat asks from a session's list of participants, a worker (here
the task, run after the commit) makes the file with its progress, the secretariat downloads it and may publish the
list on the session's page. Co-facilitators may not; a task delivered twice makes the document once."""

import io
import socket
import subprocess
import sys
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from outbox import workers
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


@pytest.fixture
def add_approved(secretariat_user, open_session, groups, make_focal_point, make_registration):
    """add(count): that many more approved delegations of made-up States for the open session."""
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

    return add


def test_participants_page_runs_the_same_queries_for_1_and_50_delegations(
    client, secretariat_user, open_session, add_approved
):
    add = add_approved
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
    secretariat_user, open_session, add_approved, django_capture_on_commit_callbacks
):
    """The members of every approved delegation in one query, not one per delegation (the zip of a COP-sized session
    has 198). Only reads are counted: the progress is written once per percent, more often for more names."""
    add = add_approved

    def reads():
        with django_capture_on_commit_callbacks(execute=False):
            document = documents.document_request(session=open_session, kind="letters_zip", by=secretariat_user)
        with CaptureQueriesContext(connection) as context:
            assert documents.document_generate(document_id=document.pk) is True
        assert GeneratedDocument.objects.get(pk=document.pk).status == "done"
        sql = [query["sql"] for query in context.captured_queries]
        return len([query for query in sql if query.startswith("SELECT") and "workerheartbeat" not in query])

    add(1)
    one = reads()
    add(3)
    assert reads() == one


# --- A worker that dies while making a document ----------------------------------------------------------------------


def _dead_worker() -> str:
    """The name (host:pid) of a worker process that has exited: a child run to its end."""
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def _claimed_by(document, worker, *, attempts=1, started_at=None):
    GeneratedDocument.objects.filter(pk=document.pk).update(
        status="running", claimed_by=worker, attempts=attempts, started_at=started_at or timezone.now(),
        done_steps=1, total_steps=4, stage="Writing 4 names",
    )  # fmt: skip


def test_a_document_whose_worker_died_is_made_again_then_fails_with_the_reason_and_is_made_again_from_its_page(
    client, secretariat_user, approved_session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        document = documents.document_request(session=approved_session, kind="participants_csv", by=secretariat_user)
    dead = _dead_worker()
    _claimed_by(document, dead)
    with django_capture_on_commit_callbacks(execute=True):  # the sweeper's task, run after its commit
        assert documents.documents_sweep() == {"requeued": 1, "failed": 0}
    document.refresh_from_db()
    assert (document.status, document.names, document.attempts, document.error) == ("done", 4, 2, "")

    with django_capture_on_commit_callbacks(execute=False):
        again = documents.document_request(session=approved_session, kind="letters_zip", by=secretariat_user)
    _claimed_by(again, dead, attempts=2)
    assert documents.documents_sweep() == {"requeued": 0, "failed": 1}
    again.refresh_from_db()
    reason = (
        f"The worker process making it ({dead}) stopped, after 2 attempts: given up. Make it again; if it fails "
        "again, look at the worker's memory."
    )
    assert (again.status, again.error, again.progress()["done"]) == ("failed", reason, True)
    assert documents.documents_sweep() == {"requeued": 0, "failed": 0}

    client.force_login(secretariat_user)
    page = client.get(reverse("admin:registrations_generateddocument_participants", args=[approved_session.slug]))
    text = page.content.decode()
    assert f"Failed: {reason}".replace("'", "&#x27;") in text
    assert 'value="Make again" aria-label="Make again: Confirmation letters of every approved member' in text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:registrations_generateddocument_make", args=[approved_session.slug]), {
            "kind": "letters_zip"
        })  # fmt: skip
    remade = GeneratedDocument.objects.exclude(pk=again.pk).get(kind="letters_zip")
    assert (remade.status, remade.names) == ("done", 4)


def test_a_task_delivered_again_after_its_worker_died_takes_the_document_over(secretariat_user, approved_session):
    """Celery delivers the task again when its worker process dies (acks_late): it makes the document at once, while
    a task delivered twice to live workers still makes it once."""
    document = GeneratedDocument.objects.create(session=approved_session, kind="participants_csv")
    _claimed_by(document, workers.beat())  # this live process
    assert documents.document_generate(document_id=document.pk) is False
    _claimed_by(document, _dead_worker())
    assert documents.document_generate(document_id=document.pk) is True
    document.refresh_from_db()
    assert (document.status, document.attempts, document.claimed_by) == ("done", 2, workers.this_worker())


@pytest.mark.django_db
def test_a_document_being_made_past_the_timeout_is_taken_as_lost(secretariat_user, approved_session, settings):
    settings.DOCUMENTS_RUNNING_TIMEOUT_SECONDS = 3600
    settings.WORKER_DEAD_AFTER_SECONDS = 10 * 3600  # its worker still looks alive
    started = timezone.now()
    document = GeneratedDocument.objects.create(session=approved_session, kind="participants_csv")
    _claimed_by(document, workers.beat(now=started), attempts=2, started_at=started)
    assert documents.documents_sweep(now=started + timedelta(minutes=59)) == {"requeued": 0, "failed": 0}
    assert documents.documents_sweep(now=started + timedelta(minutes=61)) == {"requeued": 0, "failed": 1}
    document.refresh_from_db()
    assert (document.status, document.error) == (
        "failed",
        "Still being made 1 h after it started, after 2 attempts: given up. Make it again; if it fails again, look at "
        "the worker's memory.",
    )


def test_the_participants_page_lists_the_first_stakeholder_organizations_and_links_all_their_representatives(
    client, secretariat_user, approved_session, make_organization, django_user_model, monkeypatch
):
    from registrations.admin import participants as participants_admin
    from registrations.services import stakeholders

    monkeypatch.setattr(participants_admin, "STAKEHOLDERS_SHOWN", 1)  # so two organizations stand for thousands
    for name in ("Migrant Forum in Asia", "Caritas Internationalis"):
        organization = make_organization(name=name)
        email = f"focal@{name.split()[0].lower()}.example.org"
        person = django_user_model.objects.create_user(email, email, "pw", first_name="Ana", last_name="Reyes")
        representation = stakeholders.representation_request(
            session=approved_session, organization=organization, by=person, function="Coordinator"
        )
        stakeholders.representation_decide(representation=representation, by=secretariat_user, confirm=True)
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:registrations_generateddocument_participants", args=[approved_session.slug]))
    assert page.context["stakeholders"] == [("Caritas Internationalis", 1)]
    html = page.content.decode()
    assert "2 stakeholder organizations" in html and "Stakeholders (2)" in html
    link = f"/admin/registrations/representation/?session__id__exact={approved_session.pk}&amp;status__exact=confirmed"
    assert f'<a href="{link}">The first 1: all 2 organizations' in html
