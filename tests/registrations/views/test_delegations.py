"""The focal points' pages: a whole registration through the browser's requests, isolation between missions on
every URL that takes an id, and list pages that run the same number of queries for 1 and for 50 rows."""

import io
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from registrations import badges, forms, services
from registrations.models import DelegationRegistration, Inscription
from tests.registrations.conftest import pdf_bytes, upload

Status = DelegationRegistration.Status


def form_data(**overrides):
    data = {
        "head-honorific": "H.E. Mr.",
        "head-given_name": "Juan José",
        "head-family_name": "Gómez-Camacho",
        "head-function": "Ambassador and Permanent Representative",
        "head-email": "",
        "head-attendance": "in_person",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-0-honorific": "Ms.",
        "members-0-given_name": "Ana",
        "members-0-family_name": "Pérez",
        "members-0-function": "Counsellor",
        "members-0-attendance": "online",
        "members-1-attendance": "in_person",  # an empty extra row
    }
    data.update(overrides)
    return data


def test_focal_point_registers_submits_and_downloads_letters_after_approval(
    client, open_session, mission_mex, focal_mex, secretariat_user, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(focal_mex)
    home = client.get(reverse("registrations:home"))
    assert open_session.title in home.content.decode()
    start = reverse("registrations:start", kwargs={"slug": open_session.slug, "mission_pk": mission_mex.pk})
    response = client.post(start)
    registration = DelegationRegistration.objects.get()
    assert response.url == reverse("registrations:edit", kwargs={"pk": registration.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response.url, {**form_data(), "note_verbale": upload(pdf_bytes()), "submit": "1"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED
    assert [(m.is_head, m.family_name, m.attendance) for m in registration.members.all()] == [
        (True, "Gómez-Camacho", "in_person"),
        (False, "Pérez", "online"),
    ]
    assert [m.subject for m in mailoutbox] == [f"{open_session.code}, delegation of Mexico: registration received"]

    letters = reverse("registrations:letters", kwargs={"pk": registration.pk})
    assert client.get(letters).status_code == 404  # not before approval

    client.force_login(secretariat_user)
    decide = reverse("admin:registrations_delegationregistration_decide")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide, {"decision": "approve", "reason": "", "ids": str(registration.pk)})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED

    client.force_login(focal_mex)
    response = client.get(letters)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="confirmation-{registration.reference}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2  # one letter per member
    first, second = (page.extract_text() for page in reader.pages)
    assert "Juan José Gómez-Camacho" in first
    head = registration.members.get(is_head=True)
    code = badges.badge_code(registration_id=registration.pk, member_id=head.pk)
    assert code in first.replace("\n", "")  # printed under the QR code
    assert "online participation" in second


def test_a_submission_checks_its_note_verbale_in_one_child_process(
    client, open_session, mission_mex, focal_mex, monkeypatch
):
    """The form and the service both refuse a hostile note verbale; the file is parsed once for both."""
    from compact_portal import uploads

    checked = []
    inspect = uploads.inspect
    monkeypatch.setattr(uploads, "inspect", lambda data: checked.append(len(data)) or inspect(data))
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    client.force_login(focal_mex)
    url = reverse("registrations:edit", kwargs={"pk": registration.pk})
    content = pdf_bytes()
    response = client.post(url, {**form_data(), "note_verbale": upload(content), "submit": "1"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED and registration.note_verbale
    assert checked == [len(content)]


# The form: session, user, the registration with its members (one statement), the header's areas.
EDIT_FORM_QUERIES = 4
# Saved and submitted in one transaction: session, user, the registration with its members (1); a savepoint in tests
# (2); the registration locked, its members read, the new ones in one insert, the event, the registration, its two
# audit entries (the update, the submission) appended together (3: the chain's head locked, one insert, the head).
SUBMIT_QUERIES = 13


def test_a_submission_costs_the_same_queries_whatever_the_session_holds(
    client, open_session, mission_mex, focal_mex, make_focal_point, mission_che, settings
):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(DelegationRegistration)  # read once per process in production
    # The counts above with sessions in the database (the embedded default; with REDIS_URL, cached_db reads none).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"

    def submit(mission, focal_point) -> tuple[int, int]:
        registration = services.registration_start(session=open_session, mission=mission, by=focal_point)
        client.force_login(focal_point)
        url = reverse("registrations:edit", kwargs={"pk": registration.pk})
        with CaptureQueriesContext(connection) as form:
            assert client.get(url).status_code == 200
        data = {**form_data(), "note_verbale": upload(pdf_bytes()), "submit": "1"}
        with CaptureQueriesContext(connection) as post:
            assert client.post(url, data).status_code == 302
        registration.refresh_from_db()
        assert registration.status == Status.SUBMITTED and registration.members.count() == 2
        return len(form), len(post)

    assert submit(mission_mex, focal_mex) == (EDIT_FORM_QUERIES, SUBMIT_QUERIES)
    assert submit(mission_che, make_focal_point(mission_che)) == (EDIT_FORM_QUERIES, SUBMIT_QUERIES)


def test_a_submission_refused_saves_the_delegation_and_says_why(
    client, open_session, mission_mex, focal_mex, django_capture_on_commit_callbacks, mailoutbox
):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    open_session.registration_deadline = timezone.now() - timedelta(seconds=1)
    open_session.save()
    client.force_login(focal_mex)
    url = reverse("registrations:edit", kwargs={"pk": registration.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form_data(), "note_verbale": upload(pdf_bytes()), "submit": "1"}, follow=True)
    assert response.redirect_chain == [(reverse("registrations:detail", kwargs={"pk": registration.pk}), 302)]
    assert "Registration closed on" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.DRAFT and registration.note_verbale
    assert list(registration.members.values_list("family_name", flat=True)) == ["Gómez-Camacho", "Pérez"]
    assert mailoutbox == []


class _ListInsideParagraph(HTMLParser):
    """Finds a list opened inside a paragraph: browsers close the paragraph there, and the list (a field's errors)
    becomes an item of the member grid of its own, shown in the next column."""

    def __init__(self):
        super().__init__()
        self.open_paragraphs, self.found = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self.open_paragraphs += 1
        elif tag == "ul" and self.open_paragraphs:
            self.found.append(dict(attrs).get("id"))

    def handle_endtag(self, tag):
        if tag == "p" and self.open_paragraphs:
            self.open_paragraphs -= 1


def test_a_members_field_error_stays_with_its_field(client, open_session, mission_mex, focal_mex):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    client.force_login(focal_mex)
    url = reverse("registrations:edit", kwargs={"pk": registration.pk})

    page = client.post(url, form_data(**{"head-email": "juan@", "members-0-email": "ana@"})).content.decode()

    assert 'id="id_head-email_error"' in page and 'id="id_members-0-email_error"' in page
    parser = _ListInsideParagraph()
    parser.feed(page)
    assert parser.found == []


def test_a_member_removed_in_another_tab_is_explained_not_refused_in_silence(
    client, open_session, mission_mex, focal_mex
):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    client.force_login(focal_mex)
    url = reverse("registrations:edit", kwargs={"pk": registration.pk})
    assert client.post(url, form_data()).status_code == 302
    ana = registration.members.get(family_name="Pérez")
    saved = form_data(**{"members-INITIAL_FORMS": "1", "members-0-id": str(ana.pk)})
    # The first tab removes Ana; the second, opened before, then saves a change to her.
    assert client.post(url, {**saved, "members-0-DELETE": "on"}).status_code == 302

    response = client.post(url, {**saved, "members-0-function": "Minister Counsellor"})

    assert response.status_code == 400
    assert "This member was removed from the delegation after you opened this page" in response.content.decode()
    assert not registration.members.filter(family_name="Pérez").exists()


def test_a_chosen_note_verbale_not_saved_because_of_other_errors_is_asked_for_again(
    client, open_session, mission_mex, focal_mex
):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    client.force_login(focal_mex)
    url = reverse("registrations:edit", kwargs={"pk": registration.pk})
    note = upload(pdf_bytes(), name="NV <Mexico>.pdf")

    response = client.post(url, {**form_data(**{"head-family_name": ""}), "note_verbale": note, "submit": "1"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose “NV &lt;Mexico&gt;.pdf” again: it was not saved, because of the errors on this page." in page
    assert 'aria-describedby="note-verbale-help note-verbale-again"' in page
    registration.refresh_from_db()
    assert not registration.note_verbale
    # Without a file chosen, nothing is asked again.
    assert "again: it was not saved" not in client.post(url, form_data(**{"head-family_name": ""})).content.decode()


def test_editing_a_delegation_costs_the_same_queries_for_1_and_for_8_members(
    client, open_session, make_session, mission_mex, focal_mex, make_registration
):
    """The form page and its POST (every member kept and changed, one removed, one added): the members are read once
    with the registration, their ids checked against them, the kept ones updated in one statement."""

    def edit(members: int) -> tuple[int, int]:
        session = make_session(registration_deadline=timezone.now() + timedelta(days=30))
        people = [services.MemberData(family_name=f"Member {n}", function="Adviser") for n in range(members + 1)]
        registration = make_registration(session=session, mission=mission_mex, focal_point=focal_mex, members=people)
        url = reverse("registrations:edit", kwargs={"pk": registration.pk})
        with CaptureQueriesContext(connection) as form:
            assert client.get(url).status_code == 200
        kept = list(registration.members.filter(is_head=False))
        data = form_data(**{"members-TOTAL_FORMS": str(len(kept) + 1), "members-INITIAL_FORMS": str(len(kept))})
        for index, member in enumerate(kept):
            data.update(
                {
                    f"members-{index}-id": str(member.pk),
                    f"members-{index}-family_name": f"Renamed {index}",
                    f"members-{index}-function": "Counsellor",
                    f"members-{index}-attendance": "online",
                }
            )
        data[f"members-{len(kept) - 1}-DELETE"] = "on"
        data.update({f"members-{len(kept)}-family_name": "New", f"members-{len(kept)}-function": "Expert"})
        data.update({f"members-{len(kept)}-attendance": "in_person", "save": "1"})
        with CaptureQueriesContext(connection) as post:
            assert client.post(url, data).status_code == 302
        names = list(registration.members.filter(is_head=False).values_list("family_name", "attendance"))
        assert names == [*((f"Renamed {n}", "online") for n in range(len(kept) - 1)), ("New", "in_person")]
        return len(form), len(post)

    client.force_login(focal_mex)
    assert edit(1) == edit(8)


def test_the_letter_qr_code_is_checked_at_the_badge_desk(client, approved_mex, focal_mex, secretariat_user):
    registration = approved_mex
    head = registration.members.get()
    code = badges.badge_code(registration_id=registration.pk, member_id=head.pk)
    assert badges.badge_code_read(code) == (registration.pk, head.pk)
    assert badges.badge_code_read(code.replace(f".{head.pk}:", f".{head.pk + 1}:")) is None  # altered
    client.force_login(secretariat_user)
    page = client.get(reverse("registrations:badge_check"), {"code": code}).content.decode()
    assert "Valid: registration approved." in page
    assert "Juan José Gómez-Camacho" in page
    client.force_login(focal_mex)
    assert client.get(reverse("registrations:badge_check"), {"code": code}).status_code == 403


# --- Isolation ----------------------------------------------------------------------------------------------------


@pytest.fixture
def two_missions(open_session, mission_mex, mission_che, focal_mex, focal_che, approved_mex, make_registration):
    """Mexico's registration approved (so every URL exists), Switzerland's a draft, one inscription each."""
    from sessions.models import AgendaItem

    mex = approved_mex
    che = make_registration(session=open_session, mission=mission_che, focal_point=focal_che)
    item = AgendaItem.objects.create(
        session=open_session, day=open_session.start_date, start_time="10:00", end_time="11:00", kind="panel", title="P"
    )
    from registrations.models import SpeakersList

    speakers = SpeakersList.objects.create(item=item)
    inscription = services.inscription_create(
        speakers_list=speakers, mission=mission_mex, by=focal_mex, family_name="Gómez", function="PR", level=4
    )
    return {"mex": mex, "che": che, "inscription": inscription, "speakers": speakers}


def mexico_urls(data):
    pk = data["mex"].pk
    member = data["mex"].members.get().pk
    return {
        "detail": ("get", reverse("registrations:detail", kwargs={"pk": pk})),
        "edit": ("get", reverse("registrations:edit", kwargs={"pk": pk})),
        "edit-post": ("post", reverse("registrations:edit", kwargs={"pk": pk})),
        "submit": ("post", reverse("registrations:submit", kwargs={"pk": pk})),
        "note_verbale": ("get", reverse("registrations:note_verbale", kwargs={"pk": pk})),
        "letters": ("get", reverse("registrations:letters", kwargs={"pk": pk})),
        "member_letter": ("get", reverse("registrations:member_letter", kwargs={"pk": pk, "member_pk": member})),
        "withdraw": ("post", reverse("registrations:withdraw", kwargs={"pk": data["inscription"].pk})),
        "start": (
            "post",
            reverse(
                "registrations:start", kwargs={"slug": data["mex"].session.slug, "mission_pk": data["mex"].mission_id}
            ),
        ),
    }


URL_NAMES = ["detail", "edit", "edit-post", "submit", "note_verbale", "letters", "member_letter", "withdraw", "start"]


@pytest.mark.parametrize("name", URL_NAMES)
def test_another_missions_focal_point_gets_404_on_every_url(name, client, two_missions, focal_che):
    method, url = mexico_urls(two_missions)[name]
    client.force_login(focal_che)
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert Inscription.objects.filter(pk=two_missions["inscription"].pk).exists()
    assert DelegationRegistration.objects.filter(mission__state__iso3="CHE").count() == 1


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_signed_in_user_who_is_no_focal_point_gets_404(name, client, two_missions, django_user_model):
    method, url = mexico_urls(two_missions)[name]
    client.force_login(django_user_model.objects.create_user("nobody@example.org", "nobody@example.org", "x"))
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_visitors_are_sent_to_sign_in(name, client, two_missions):
    method, url = mexico_urls(two_missions)[name]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_member_id_of_another_delegation_gets_404(client, two_missions, focal_mex, mission_che, secretariat_user):
    services.registration_submit(registration=two_missions["che"], by=two_missions["che"].created_by)
    services.registration_approve(registration=two_missions["che"], by=secretariat_user)
    swiss_member = two_missions["che"].members.get().pk
    client.force_login(focal_mex)
    url = reverse("registrations:member_letter", kwargs={"pk": two_missions["mex"].pk, "member_pk": swiss_member})
    assert client.get(url).status_code == 404


def test_the_missions_focal_point_and_the_secretariat_download_the_note_verbale(
    client, two_missions, focal_mex, secretariat_user, cofacilitator_user
):
    url = mexico_urls(two_missions)["note_verbale"][1]
    for user in (focal_mex, secretariat_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(cofacilitator_user)
    assert client.get(url).status_code == 404


def test_focal_point_pages_show_only_their_missions_registrations(client, two_missions, focal_che):
    client.force_login(focal_che)
    page = client.get(reverse("registrations:home")).content.decode()
    assert reverse("registrations:detail", kwargs={"pk": two_missions["che"].pk}) in page
    assert reverse("registrations:detail", kwargs={"pk": two_missions["mex"].pk}) not in page


# --- Query counts -------------------------------------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_home_page_runs_the_same_queries_for_1_and_50_registrations(client, make_session, mission_mex, focal_mex, head):
    client.force_login(focal_mex)

    def add(count):
        for _ in range(count):
            session = make_session(registration_deadline=timezone.now() + timedelta(days=3))
            registration = services.registration_start(session=session, mission=mission_mex, by=focal_mex)
            services.registration_update(registration=registration, by=focal_mex, head=head, members=[])

    add(1)
    one = queries(client, reverse("registrations:home"))
    add(49)
    assert queries(client, reverse("registrations:home")) == one


def test_admin_list_runs_the_same_queries_for_1_and_50_registrations(
    client, make_session, make_focal_point, groups, secretariat_user, head
):
    from registrations.models import PermanentMission, State

    session = make_session(registration_deadline=timezone.now() + timedelta(days=3))

    def add(start, count):
        for n in range(start, start + count):
            state = State.objects.create(
                iso3=f"X{n:02d}",
                iso2=f"{n:02d}",
                name_en=f"State {n}",
                name_fr=f"État {n}",
                membership="member",
                regional_group=groups["WEOG"],
            )
            mission = PermanentMission.objects.create(state=state, name=f"Mission {n}")
            focal = make_focal_point(mission)
            registration = services.registration_start(session=session, mission=mission, by=focal)
            services.registration_update(registration=registration, by=focal, head=head, members=[])

    client.force_login(secretariat_user)
    url = reverse("admin:registrations_delegationregistration_changelist")
    add(0, 1)
    one = queries(client, url)
    add(1, 49)
    assert queries(client, url) == one


def test_public_speakers_page_runs_the_same_queries_for_1_and_50_speakers(
    client, speakers_list, make_focal_point, groups
):
    from registrations.models import PermanentMission, State

    speakers_list.is_published = True
    speakers_list.save()

    def add(start, count):
        for n in range(start, start + count):
            state = State.objects.create(
                iso3=f"Y{n:02d}",
                iso2=f"Y{n % 10}" if n < 10 else f"{n:02d}",
                name_en=f"State {n}",
                name_fr=f"État {n}",
                membership="member",
                regional_group=groups["WEOG"],
            )
            mission = PermanentMission.objects.create(state=state, name=f"Mission {n}")
            services.inscription_create(
                speakers_list=speakers_list,
                mission=mission,
                by=make_focal_point(mission),
                family_name=f"Speaker {n}",
                function="Delegate",
                level=5,
            )

    url = reverse("registrations:session_speakers", kwargs={"slug": speakers_list.item.session.slug})
    add(0, 1)
    one = queries(client, url)
    add(1, 49)
    assert queries(client, url) == one
    assert "Speaker 49" in client.get(url).content.decode()


def test_the_kept_member_count_follows_every_way_members_change(
    client, open_session, mission_mex, focal_mex, secretariat_user, make_registration, head
):
    """registration.member_count (read by the admin lists, the board and the participants page instead of counting)
    equals the members through the focal point's form, the services and the admin, which changes no member."""

    def counts():
        registration.refresh_from_db()
        return registration.member_count, registration.members.count()

    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    assert counts() == (1, 1)
    client.force_login(focal_mex)
    edit = reverse("registrations:edit", kwargs={"pk": registration.pk})
    assert client.post(edit, form_data()).status_code == 302  # the head and Ana Pérez
    assert counts() == (2, 2)
    added = {"members-TOTAL_FORMS": "3", "members-1-family_name": "Li", "members-1-function": "Adviser"}
    assert client.post(edit, form_data(**added, **{"members-2-attendance": "in_person"})).status_code == 302
    assert counts() == (3, 3)
    others = [services.MemberData(family_name=f"Member {n}", function="Adviser") for n in range(5)]
    services.registration_update(registration=registration, by=focal_mex, head=head, members=others)
    assert counts() == (6, 6)
    services.registration_update(registration=registration, by=focal_mex, head=others[0], members=others[1:2])
    assert counts() == (2, 2)

    client.force_login(secretariat_user)
    member = registration.members.first()
    change = f"/admin/registrations/delegationregistration/{registration.pk}/change/"
    inline = {"members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "1", "members-0-id": member.pk}
    client.post(change, {**inline, "members-0-DELETE": "on", "members-0-family_name": "X"})  # read-only inline
    assert client.post(f"/admin/registrations/delegationmember/{member.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{change.removesuffix('change/')}delete/", {"post": "yes"}).status_code == 403
    assert counts() == (2, 2)
    services.registration_submit(registration=registration, by=focal_mex)
    services.registration_approve(registration=registration, by=secretariat_user)
    assert counts() == (2, 2)


# --- The form page's HTML -----------------------------------------------------------------------------------------

HOSTILE = "<script>\"&'</script> عربي"


def _without_csrf_token(page: bytes) -> str:
    """The page with its CSRF token (masked afresh on each render) left out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.decode())


@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans", "es", "ru"])
def test_the_form_page_is_what_the_templates_write(
    language,
    client,
    open_session,
    make_session,
    mission_mex,
    focal_mex,
    secretariat_user,
    make_registration,
    monkeypatch,
):
    """The widgets, labels and errors written in Python (compact_portal/form_renderer.py): the page, blank, with the
    delegation saved, with errors and the user's hostile values kept, with another member added, is exactly the page
    Django's templates write."""
    from compact_portal import form_renderer

    member = services.MemberData(given_name=HOSTILE, family_name="Pérez", function="Counsellor", attendance="online")
    registration = make_registration(
        session=open_session,
        mission=mission_mex,
        focal_point=focal_mex,
        members=[member],
        status="returned",
        secretariat=secretariat_user,
    )
    other_session = make_session(registration_deadline=timezone.now() + timedelta(days=30))
    blank = services.registration_start(session=other_session, mission=mission_mex, by=focal_mex)
    client.force_login(focal_mex)
    edit = f"/{language}/delegation/registrations/{registration.pk}/edit/"
    invalid = form_data(
        **{
            "head-family_name": "",
            "head-given_name": HOSTILE,
            "members-0-email": "not an address <b>",
            "members-0-family_name": HOSTILE,
            "members-1-function": "A function, no name",
            "members-1-attendance": HOSTILE,  # named in its error
        }
    )
    requests = [
        ("get", edit, None),
        ("get", f"/{language}/delegation/registrations/{blank.pk}/edit/", None),
        ("post", edit, {**invalid, "submit": "1"}),
        ("post", edit, {**invalid, "add_member": "1"}),
    ]

    def pages() -> list[str]:
        return [_without_csrf_token(getattr(client, method)(url, data).content) for method, url, data in requests]

    python = pages()
    monkeypatch.setattr(form_renderer, "_TEMPLATES", {})
    monkeypatch.setattr(forms, "_BLANK_MEMBER_FIELDS", {})  # blank members rendered again, by the templates
    assert python == pages()
    assert 'value="&lt;script&gt;&quot;&amp;&#x27;&lt;/script&gt; عربي"' in python[2]  # the test compares something
    assert 'id="id_members-0-email_error"' in python[2]


class _NeverKept(dict):
    def __setitem__(self, key, value):
        pass


def test_the_blank_members_kept_per_language_hold_no_ones_values(
    client, open_session, make_session, mission_mex, mission_che, focal_mex, focal_che, make_registration, monkeypatch
):
    """The blank members' fields (a new delegation's head, the blank member, the template) are kept per process and
    shape: pages in turn for two missions, in three languages, one delegation with members and hostile values typed
    with errors, are each exactly the page rendered with nothing kept."""
    monkeypatch.setattr(forms, "_BLANK_MEMBER_FIELDS", {})
    member = services.MemberData(given_name=HOSTILE, family_name="Pérez", function="Counsellor", attendance="online")
    saved = make_registration(session=open_session, mission=mission_che, focal_point=focal_che, members=[member])
    blank = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    typed = form_data(**{"head-family_name": "", "head-given_name": HOSTILE, "members-1-family_name": HOSTILE})
    requests = []
    for language in ("fr", "en", "ar"):
        for user, registration in ((focal_che, saved), (focal_mex, blank)):
            edit = f"/{language}/delegation/registrations/{registration.pk}/edit/"
            requests += [
                (user, "get", edit, None),
                (user, "post", edit, typed),
                (user, "post", edit, {**typed, "add_member": "1"}),
            ]
    requests += requests[:3]  # again, everything kept

    def pages() -> list[str]:
        rendered = []
        for user, method, url, data in requests:
            client.force_login(user)
            rendered.append(_without_csrf_token(getattr(client, method)(url, data).content))
        return rendered

    kept = pages()
    assert len(forms._BLANK_MEMBER_FIELDS) >= 3 * 3  # head, blank member, template in each language: kept, and served
    monkeypatch.setattr(forms, "_BLANK_MEMBER_FIELDS", _NeverKept())
    assert kept == pages()
    hostile = escape(HOSTILE)
    assert all(hostile in kept[index] for index in (0, 1, 6, 7))  # Switzerland's member, the values typed
    assert not any(hostile in kept[index] or "Pérez" in kept[index] for index in (3, 9, 15))  # Mexico's blank page
