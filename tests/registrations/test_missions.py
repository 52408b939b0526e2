"""Focal-point requests and their decision; the letter's link followed; "we will not attend"."""

from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from audit.models import AuditEntry
from registrations import links, missions, services
from registrations.models import DelegationRegistration, FocalPointRequest, MissionAnswer, Profile
from tests.registrations.conftest import _mission, pdf_bytes, upload


@pytest.fixture
def make_account(db, django_user_model):
    def make(email, *, verified=True):
        user = django_user_model.objects.create_user(email, email, "a-long-test-password")
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


def _link(session, mission, email):
    token = links.registration_link_token(session_id=session.pk, mission_id=mission.pk, email=email)
    return links.registration_link_read(token)


# --- Requests -------------------------------------------------------------------------------------------------------


def test_approved_request_links_the_account_and_tells_requester_and_colleagues_in_their_languages(
    mission_mex, focal_mex, make_account, secretariat_user, django_capture_on_commit_callbacks, mailoutbox
):
    requester = make_account("attache@mission-mex.example.org")
    request = missions.focal_point_request_create(
        user=requester,
        mission=mission_mex,
        function="Attaché",
        designation_letter=upload(pdf_bytes()),
        language="fr",
    )
    assert (request.status, request.designation_letter_name) == ("pending", "note-verbale.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        missions.focal_point_request_approve(request=request, by=secretariat_user)
    profile = Profile.objects.get(user=requester)
    assert (profile.mission, profile.is_focal_point) == (mission_mex, True)
    link = AuditEntry.objects.get(action="account link")
    assert (link.actor_repr, link.object_id, link.after) == (
        secretariat_user.email,
        str(profile.pk),
        {"mission": str(mission_mex), "is_focal_point": True},
    )
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("attache@mission-mex.example.org", "Mexico : vous êtes point focal de la délégation"),
        (focal_mex.email, "Mexico: a new focal point"),
    ]


def test_declined_request_needs_a_reason_and_the_requester_reads_it(
    mission_mex, make_account, secretariat_user, django_capture_on_commit_callbacks, mailoutbox
):
    requester = make_account("someone@example.org")
    request = missions.focal_point_request_create(user=requester, mission=mission_mex, function="Intern")
    with pytest.raises(ValidationError):
        missions.focal_point_request_decline(request=request, by=secretariat_user, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        missions.focal_point_request_decline(request=request, by=secretariat_user, reason="Not known to the mission.")
    request.refresh_from_db()
    assert (request.status, request.reason) == ("declined", "Not known to the mission.")
    assert not Profile.objects.filter(user=requester).exists()
    (message,) = mailoutbox
    assert message.subject == "Mexico: your request to be a focal point is declined"
    assert "Not known to the mission." in message.body
    with pytest.raises(ValidationError):
        missions.focal_point_request_approve(request=request, by=secretariat_user)


def test_only_the_secretariat_decides(mission_mex, make_account, cofacilitator_user):
    request = missions.focal_point_request_create(
        user=make_account("someone@example.org"), mission=mission_mex, function="Intern"
    )
    with pytest.raises(PermissionDenied):
        missions.focal_point_request_approve(request=request, by=cofacilitator_user)


def test_a_secretariat_member_does_not_decide_their_own_request(
    mission_mex, secretariat_user, django_user_model, client
):
    own = missions.focal_point_request_create(user=secretariat_user, mission=mission_mex, function="Adviser")
    for decide in (
        lambda: missions.focal_point_request_approve(request=own, by=secretariat_user),
        lambda: missions.focal_point_request_decline(request=own, by=secretariat_user, reason="Mine."),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    # Nor through the admin's action.
    client.force_login(secretariat_user)
    response = client.post(
        "/admin/registrations/focalpointrequest/",
        {"action": "approve", "_selected_action": [own.pk], "confirmed": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.status == "pending"
    assert not Profile.objects.filter(user=secretariat_user, is_focal_point=True).exists()
    colleague = django_user_model.objects.create_user("sec2@example.org", "sec2@example.org", "pw", is_staff=True)
    colleague.groups.set(secretariat_user.groups.all())
    missions.focal_point_request_approve(request=own, by=colleague)
    assert Profile.objects.get(user=secretariat_user).mission == mission_mex


def test_a_designation_letter_that_is_not_a_pdf_is_refused(mission_mex, make_account):
    with pytest.raises(ValidationError) as error:
        missions.focal_point_request_create(
            user=make_account("someone@example.org"),
            mission=mission_mex,
            function="Intern",
            designation_letter=upload(b"MZ\x90\x00" * 100, name="letter.pdf"),
        )
    assert error.value.messages == [
        "This file is a Windows program, not a PDF. Upload the note verbale as a PDF document."
    ]
    assert FocalPointRequest.objects.count() == 0


def test_asking_twice_makes_one_pending_request(mission_mex, make_account):
    user = make_account("someone@example.org")
    first = missions.focal_point_request_create(user=user, mission=mission_mex, function="Intern")
    second = missions.focal_point_request_create(user=user, mission=mission_mex, function="Intern")
    assert first.pk == second.pk
    assert FocalPointRequest.objects.count() == 1


def test_one_account_cannot_file_requests_for_every_mission(
    client, mission_mex, mission_che, mission_vat, groups, make_account, settings
):
    """As any signed-in account filing a request, each with its letter of designation, for mission after mission
    (security review, finding 4): the fourth pending request is refused before its letter is stored."""
    ghana = _mission("GHA", "GH", "Ghana", groups["AFRICA"])
    client.force_login(make_account("someone@example.org"))
    for mission in (mission_mex, mission_che, mission_vat):
        response = client.post(
            "/en/delegation/focal-point/",
            {"mission": mission.pk, "function": "Intern", "designation_letter": upload(pdf_bytes())},
        )
        assert response.status_code == 302
    stored = sorted(path.name for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file())
    response = client.post(
        "/en/delegation/focal-point/",
        {"mission": ghana.pk, "function": "Intern", "designation_letter": upload(pdf_bytes())},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Requests waiting for the secretariat's decision: at most 3 per account. Wait for a decision before asking "
        "to act for another mission."
    ]
    assert sorted(FocalPointRequest.objects.values_list("mission__state__iso3", flat=True)) == ["CHE", "MEX", "VAT"]
    assert sorted(path.name for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()) == stored
    assert len(stored) == 3


def test_the_pending_limit_counts_pending_requests_only(
    mission_mex, mission_che, secretariat_user, make_account, settings
):
    settings.FOCAL_POINT_MAX_PENDING_REQUESTS = 1
    user = make_account("someone@example.org")
    first = missions.focal_point_request_create(user=user, mission=mission_mex, function="Intern")
    assert missions.focal_point_request_create(user=user, mission=mission_mex, function="Intern") == first
    with pytest.raises(ValidationError) as error:
        missions.focal_point_request_create(user=user, mission=mission_che, function="Intern")
    assert error.value.messages == [
        "Requests waiting for the secretariat's decision: at most 1 per account. Wait for a decision before asking "
        "to act for another mission."
    ]
    missions.focal_point_request_decline(request=first, by=secretariat_user, reason="Not known to the mission.")
    second = missions.focal_point_request_create(user=user, mission=mission_che, function="Intern")
    assert (second.mission, second.status) == (mission_che, "pending")


def test_request_page_lists_states_in_the_page_language_and_sends_the_request(
    client, mission_mex, mission_che, make_account
):
    user = make_account("someone@example.org")
    client.force_login(user)
    response = client.get("/fr/delegation/focal-point/")
    assert response.status_code == 200
    options = [label for _pk, label in response.context["form"].fields["mission"].choices][1:]
    assert options == ["Mexico", "Switzerland"]  # the fixtures' French names are the English ones
    with translation.override("fr"):
        response = client.post(
            "/fr/delegation/focal-point/",
            {"mission": mission_che.pk, "function": "Premier secrétaire", "designation_letter": upload(pdf_bytes())},
        )
    assert response.status_code == 302
    request = FocalPointRequest.objects.get()
    assert (request.mission, request.function, request.language, request.status) == (
        mission_che,
        "Premier secrétaire",
        "fr",
        "pending",
    )


def test_request_page_files_accented_state_names_with_their_letter(reference_data, make_account, client):
    # A plain sort by code point put "Égypte" after "Zimbabwe" and "Libéria" after "Libye".
    client.force_login(make_account("someone@example.org"))
    response = client.get("/fr/delegation/focal-point/")
    options = [label for _pk, label in response.context["form"].fields["mission"].choices][1:]
    assert [label for label in options if label[0] in "EÉ"] == [
        "Égypte",
        "El Salvador",
        "Émirats arabes unis",
        "Équateur",
        "Érythrée",
        "Espagne",
        "Estonie",
        "Eswatini",
        "État de Palestine",
        "États-Unis d'Amérique",
        "Éthiopie",
    ]
    assert options[options.index("Libéria") + 1] == "Libye"
    assert options[-1] == "Zimbabwe"


# --- The letter's link ----------------------------------------------------------------------------------------------


def test_tampered_link_is_refused(open_session, mission_mex, client):
    token = links.registration_link_token(session_id=open_session.pk, mission_id=mission_mex.pk, email="pm@mex.org")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    with pytest.raises(links.LinkInvalid):
        links.registration_link_read(tampered)
    response = client.get(f"/en/delegation/letter/{tampered}/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert not MissionAnswer.objects.exists()


def test_a_link_moved_to_another_mission_or_address_is_refused(open_session, mission_mex, mission_che):
    token = links.registration_link_token(session_id=open_session.pk, mission_id=mission_mex.pk, email="pm@mex.org")
    session_id, _mission_id, email, signature = token.split(".")
    other_mission = f"{session_id}.{mission_che.pk}.{email}.{signature}"
    other_address = ".".join([session_id, str(mission_mex.pk), "cGlyYXRlQGV2aWwub3Jn", signature])
    for forged in (other_mission, other_address, token.rpartition(".")[0], ""):
        with pytest.raises(links.LinkInvalid):
            links.registration_link_read(forged)


def test_link_expires_with_the_registration_deadline(make_session, mission_mex, client):
    deadline = timezone.now() + timedelta(days=1)
    session = make_session(registration_deadline=deadline)
    token = links.registration_link_token(session_id=session.pk, mission_id=mission_mex.pk, email="pm@mex.org")
    assert links.registration_link_read(token, now=deadline - timedelta(seconds=1)).mission == mission_mex
    with pytest.raises(links.LinkExpired):
        links.registration_link_read(token, now=deadline)
    session.registration_deadline = timezone.now() - timedelta(minutes=1)
    session.save()
    response = client.get(f"/en/delegation/letter/{token}/")
    assert response.status_code == 410
    assert "Registration has closed" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "reason"),
    [("closed", "Registration closed."), ("draft", "Registration is open only for published sessions.")],
)
def test_link_of_a_session_no_longer_published_opens_no_registration(
    status, reason, open_session, mission_mex, make_account, client
):
    """The deadline is ahead, but the session was closed (or taken back to draft) after the letters went out: the
    letter's address following its link becomes no focal point and gets no registration."""
    token = links.registration_link_token(session_id=open_session.pk, mission_id=mission_mex.pk, email="pm@mex.org")
    open_session.status = status
    open_session.save()
    with pytest.raises(links.LinkExpired) as expired:
        links.registration_link_read(token)
    assert expired.value.reason == reason
    client.force_login(make_account("pm@mex.org"))
    response = client.get(f"/en/delegation/letter/{token}/")
    assert response.status_code == 410
    assert f"no longer opens a registration for {open_session.code}: {reason}" in response.content.decode()
    assert (Profile.objects.count(), DelegationRegistration.objects.count(), MissionAnswer.objects.count()) == (0, 0, 0)


def test_anonymous_visitor_is_asked_to_sign_in_or_up_with_the_address_prefilled(open_session, mission_mex, client):
    path = links.registration_link_path(session_id=open_session.pk, mission_id=mission_mex.pk, email="PM.MEX@mex.org")
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["signup_url"] == (
        "/en/accounts/signup/?next=" + path.replace(":", "%3A").replace("/", "%2F") + "&email=pm.mex%40mex.org"
    )
    assert not Profile.objects.exists()  # the link alone names nobody


def test_opening_the_link_without_signing_in_is_not_following_it(open_session, mission_mex, client):
    """As a mail scanner that opens every link of a message before anyone reads it."""
    path = links.registration_link_path(session_id=open_session.pk, mission_id=mission_mex.pk, email="pm.mex@mex.org")
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert list(MissionAnswer.objects.values_list("link_followed_at", flat=True)) == []


def test_the_link_is_followed_when_a_signed_in_account_resolves_it(
    open_session, mission_mex, make_account, django_capture_on_commit_callbacks
):
    user = make_account("pm.mex@mex.example.org")
    at = timezone.now() - timedelta(minutes=5)
    link = _link(open_session, mission_mex, "pm.mex@mex.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        missions.registration_link_follow(link=link, user=user, now=at)
        missions.registration_link_follow(link=link, user=user, now=at + timedelta(minutes=1))  # the first counts
    answer = MissionAnswer.objects.get()
    assert (answer.session, answer.mission, answer.link_followed_at) == (open_session, mission_mex, at)


def test_a_signed_in_account_of_another_address_following_the_link_counts_too(
    open_session, mission_mex, make_account, client
):
    client.force_login(make_account("someone@elsewhere.example.org"))
    path = links.registration_link_path(session_id=open_session.pk, mission_id=mission_mex.pk, email="pm.mex@mex.org")
    assert client.get(path).status_code == 302  # to a focal-point request
    assert MissionAnswer.objects.get(mission=mission_mex).link_followed_at is not None


def test_the_address_the_letter_went_to_becomes_a_focal_point_whatever_its_case(
    open_session, mission_mex, focal_mex, make_account, client, django_capture_on_commit_callbacks, mailoutbox
):
    user = make_account("pm.mex@mex.example.org")
    path = links.registration_link_path(
        session_id=open_session.pk, mission_id=mission_mex.pk, email="PM.MEX@mex.example.org"
    )
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(path)
    registration = DelegationRegistration.objects.get()
    assert response.status_code == 302
    assert response.url == f"/en/delegation/registrations/{registration.pk}/edit/"
    assert (registration.session, registration.mission, registration.status) == (open_session, mission_mex, "draft")
    assert Profile.objects.get(user=user).mission == mission_mex
    request = FocalPointRequest.objects.get(user=user)
    assert (request.status, request.via_letter) == ("approved", True)
    assert [(m.to, m.subject) for m in mailoutbox] == [([focal_mex.email], "Mexico: a new focal point")]


def test_an_unverified_address_is_not_enough(open_session, mission_mex, make_account):
    user = make_account("pm.mex@mex.example.org", verified=False)
    outcome = missions.registration_link_follow(
        link=_link(open_session, mission_mex, "pm.mex@mex.example.org"), user=user
    )
    assert outcome.registration is None
    assert not Profile.objects.exists()


def test_a_lookalike_address_that_only_the_database_folds_to_the_letters_is_not_enough(
    open_session, mission_mex, make_account
):
    # PostgreSQL's UPPER() folds the Turkish dotless 'ı' to 'I' (and the long 's' to 'S'): under email__iexact an
    # attacker's verified address at a lookalike IDN domain would pass for the letter's address.
    for lookalike in ["pm.mex@m\u0131ssions.example.org", "pm.mex@mi\u017fsions.example.org"]:
        user = make_account(lookalike)
        outcome = missions.registration_link_follow(
            link=_link(open_session, mission_mex, "pm.mex@missions.example.org"), user=user
        )
        assert outcome == missions.LinkOutcome()
    assert not Profile.objects.exists()
    assert not DelegationRegistration.objects.exists()


def test_another_address_gets_a_prefilled_request_never_the_registration(
    open_session, mission_mex, make_account, client
):
    user = make_account("colleague@mex.example.org")
    path = links.registration_link_path(
        session_id=open_session.pk, mission_id=mission_mex.pk, email="pm.mex@mex.example.org"
    )
    client.force_login(user)
    response = client.get(path, follow=True)
    assert response.redirect_chain == [
        (f"/en/delegation/focal-point/?mission={mission_mex.pk}&session={open_session.slug}", 302)
    ]
    assert response.context["form"]["mission"].value() == mission_mex.pk
    assert not DelegationRegistration.objects.exists()
    assert not Profile.objects.exists()


def test_a_link_for_one_mission_used_by_another_missions_focal_point(
    open_session, mission_mex, mission_che, focal_che, client
):
    path = links.registration_link_path(
        session_id=open_session.pk, mission_id=mission_mex.pk, email="pm.mex@mex.example.org"
    )
    client.force_login(focal_che)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/en/delegation/focal-point/")
    assert not DelegationRegistration.objects.exists()
    assert Profile.objects.get(user=focal_che).mission == mission_che


def test_a_focal_point_of_another_mission_with_the_letters_address_is_not_moved(
    open_session, mission_mex, mission_che, make_focal_point
):
    user = make_focal_point(mission_che, email="pm.mex@mex.example.org")
    outcome = missions.registration_link_follow(
        link=_link(open_session, mission_mex, "pm.mex@mex.example.org"), user=user
    )
    assert outcome.registration is None
    assert Profile.objects.get(user=user).mission == mission_che


# --- "We will not attend" -------------------------------------------------------------------------------------------


def test_not_attending_then_registering(open_session, mission_mex, focal_mex, make_registration, client):
    client.force_login(focal_mex)
    answer_url = f"/en/delegation/sessions/{open_session.slug}/missions/{mission_mex.pk}/answer/"
    client.post(answer_url, {"answer": "not-attending"})
    assert MissionAnswer.objects.get().not_attending is True
    assert client.get("/en/delegation/").context["to_register"] == [(open_session, mission_mex, True)]
    make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex, status="submitted")
    with pytest.raises(ValidationError):
        missions.mission_answer_set(session=open_session, mission=mission_mex, by=focal_mex, not_attending=True)


def test_not_attending_can_be_withdrawn_until_the_deadline(open_session, mission_mex, focal_mex):
    missions.mission_answer_set(session=open_session, mission=mission_mex, by=focal_mex, not_attending=True)
    missions.mission_answer_set(session=open_session, mission=mission_mex, by=focal_mex, not_attending=False)
    assert MissionAnswer.objects.get().not_attending is False
    with pytest.raises(ValidationError):
        missions.mission_answer_set(
            session=open_session,
            mission=mission_mex,
            by=focal_mex,
            not_attending=True,
            now=open_session.registration_deadline,
        )


def test_only_focal_points_answer(open_session, mission_mex, focal_che):
    with pytest.raises(PermissionDenied):
        missions.mission_answer_set(session=open_session, mission=mission_mex, by=focal_che, not_attending=True)


def test_registration_start_still_works_for_focal_points(open_session, mission_mex, focal_mex):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    assert registration.status == "draft"


# --- The secretariat's desk in the admin ----------------------------------------------------------------------------


def test_secretariat_approves_and_declines_requests_in_the_admin_with_counts(
    client, mission_mex, mission_che, make_account, secretariat_user
):
    first = missions.focal_point_request_create(
        user=make_account("one@example.org"), mission=mission_mex, function="First Secretary"
    )
    second = missions.focal_point_request_create(
        user=make_account("two@example.org"), mission=mission_che, function="Intern"
    )
    client.force_login(secretariat_user)
    changelist = "/admin/registrations/focalpointrequest/"
    response = client.get(changelist)
    assert response.context["title"] == "Focal-point requests: 2 pending · 0 approved · 0 declined"
    response = client.post(changelist, {"action": "approve", "_selected_action": [first.pk]})
    assert response.status_code == 200  # first the confirmation: what will happen, to whom
    assert (response.context["consequences"], response.context["objects"], response.context["button"]) == (
        [
            "1 account becomes focal point of the mission named: they register its delegations, answer for it and "
            "receive its letters.",
            "Each requester is told by e-mail, and so are the mission's other focal points.",
        ],
        ["one@example.org → Mexico (First Secretary)"],
        "Approve 1 request",
    )
    assert not Profile.objects.filter(user__email="one@example.org").exists()
    response = client.post(changelist, {"action": "approve", "_selected_action": [first.pk], "confirmed": "yes"})
    assert response.status_code == 302
    assert Profile.objects.get(user__email="one@example.org").mission == mission_mex
    response = client.post(changelist, {"action": "decline", "_selected_action": [second.pk]})
    assert response.url == f"/admin/registrations/focalpointrequest/decline/?ids={second.pk}"
    client.post("/admin/registrations/focalpointrequest/decline/", {"ids": str(second.pk), "reason": "Unknown."})
    second.refresh_from_db()
    assert (second.status, second.reason) == ("declined", "Unknown.")
    response = client.get(changelist)
    assert response.context["title"] == "Focal-point requests: 0 pending · 1 approved · 1 declined"


def test_the_list_says_which_requests_were_approved_automatically_and_by_which_sessions_letter(
    client, open_session, mission_mex, mission_che, make_account, secretariat_user
):
    by_letter = make_account("pm.mex@mex.example.org")
    missions.registration_link_follow(link=_link(open_session, mission_mex, "pm.mex@mex.example.org"), user=by_letter)
    missions.focal_point_request_create(user=make_account("two@example.org"), mission=mission_che, function="Intern")
    client.force_login(secretariat_user)
    response = client.get("/admin/registrations/focalpointrequest/")
    page = response.content.decode()
    assert "Approved automatically (the account has the letter&#x27;s address)" in page
    assert "By the letter" not in page
    cells = {row.user.email: row for row in response.context["cl"].result_list}
    admin_class = response.context["cl"].model_admin
    assert {email: admin_class.approved_automatically(row) for email, row in cells.items()} == {
        "pm.mex@mex.example.org": f"Yes: it followed the link of the letter for {open_session.code}, sent to this "
        "address",
        "two@example.org": "—",
    }


def test_cofacilitators_do_not_decide_requests(client, mission_mex, make_account, cofacilitator_user):
    request = missions.focal_point_request_create(
        user=make_account("one@example.org"), mission=mission_mex, function="First Secretary"
    )
    client.force_login(cofacilitator_user)
    client.post(
        "/admin/registrations/focalpointrequest/",
        {"action": "approve", "_selected_action": [request.pk], "confirmed": "yes"},
    )
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Profile.objects.exists()
