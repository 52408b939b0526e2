"""Organizations and their accreditation: ECOSOC status confirmed by the secretariat; the non-objection procedure
from the list to the deadline (objection reasons for the secretariat only); representatives within the quota, told
of the decision."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from registrations import tasks
from registrations.models import NonObjectionEntry, Objection, Organization, Profile, Representation
from registrations.services import stakeholders
from tests.invitations.conftest import broker_messages, redis_broker  # noqa: F401  (the real broker)


@pytest.fixture
def focal_ken(make_focal_point, groups):
    from tests.registrations.conftest import _mission

    return make_focal_point(_mission("KEN", "KE", "Kenya", groups["AFRICA"]))


@pytest.fixture
def focal_vat(make_focal_point, mission_vat):
    return make_focal_point(mission_vat)


def test_a_signed_up_person_registers_an_organization_and_becomes_its_focal_point(client, django_user_model):
    user = django_user_model.objects.create_user("ana@redmem.example.org", "ana@redmem.example.org", "pw")
    client.force_login(user)
    response = client.post(
        reverse("registrations:organization_register"),
        {"name": "Red Mesoamericana", "acronym": "REDMEM", "kind": "diaspora", "ecosoc_status": "none", "email": ""},
    )
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert (organization.accreditation, organization.email, organization.created_by) == (
        "requested",
        "ana@redmem.example.org",
        user,
    )
    assert Profile.objects.filter(user=user, organization=organization, is_focal_point=True).exists()
    page = client.get(reverse("registrations:stakeholder_home")).content.decode()
    assert "Without ECOSOC status, the organization goes on a list" in page


def test_secretariat_confirms_ecosoc_status_and_the_organization_is_told(
    make_organization, secretariat_user, django_capture_on_commit_callbacks, mailoutbox
):
    organization = make_organization(accredited=False, ecosoc_status="special")
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.accreditation_confirm(organization=organization, by=secretariat_user)
    assert (organization.accreditation, organization.accredited_at is not None) == ("accredited", True)
    (message,) = mailoutbox
    assert (message.subject, sorted(message.to)) == (
        f"{organization}: accredited",
        sorted([organization.email, organization.focal_point.email]),
    )


def test_without_ecosoc_status_confirmation_is_refused(make_organization, secretariat_user):
    organization = make_organization(accredited=False, ecosoc_status="none")
    with pytest.raises(ValidationError, match="non-objection list"):
        stakeholders.accreditation_confirm(organization=organization, by=secretariat_user)


def test_only_the_secretariat_accredits(make_organization):
    organization = make_organization(accredited=False)
    with pytest.raises(PermissionDenied):
        stakeholders.accreditation_confirm(organization=organization, by=organization.focal_point)


def test_declining_needs_a_reason(make_organization, secretariat_user):
    organization = make_organization(accredited=False)
    with pytest.raises(ValidationError, match="reason"):
        stakeholders.accreditation_decline(organization=organization, by=secretariat_user, reason=" ")
    stakeholders.accreditation_decline(organization=organization, by=secretariat_user, reason="Status not found.")
    assert (organization.accreditation, organization.accreditation_reason) == ("not_accredited", "Status not found.")


# --- The non-objection procedure, end to end --------------------------------------------------------------------


def test_non_objection_procedure_end_to_end(
    client,
    make_organization,
    secretariat_user,
    focal_mex,
    focal_ken,
    focal_vat,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    quiet = make_organization(name="Balkan Route Legal Aid", ecosoc_status="none", accredited=False)
    contested = make_organization(name="Corridor Diaspora Forum", ecosoc_status="none", accredited=False)
    with_ecosoc = make_organization(name="Has ECOSOC", ecosoc_status="general", accredited=False)
    deadline = timezone.now() + timedelta(days=14)
    nolist = stakeholders.non_objection_list_create(title="Sixth session", deadline=deadline, by=secretariat_user)
    with pytest.raises(ValidationError, match="has ECOSOC status"):
        stakeholders.non_objection_list_add(nolist=nolist, organizations=[with_ecosoc], by=secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.non_objection_list_add(nolist=nolist, organizations=[quiet, contested], by=secretariat_user)
    assert sorted(m.subject for m in mailoutbox) == [
        "Balkan Route Legal Aid: on a non-objection list",
        "Corridor Diaspora Forum: on a non-objection list",
    ]
    contested_entry = NonObjectionEntry.objects.get(organization=contested)

    # Mexico's focal point sees the list and objects, with a reason.
    client.force_login(focal_mex)
    page = client.get(reverse("registrations:non_objection")).content.decode()
    assert "Balkan Route Legal Aid" in page and "Corridor Diaspora Forum" in page
    objection_url = reverse("registrations:objection", kwargs={"entry_pk": contested_entry.pk})
    client.post(objection_url, {"reason": "Confidential: concerns about its funding."})
    assert list(Objection.objects.values_list("state__iso3", "reason")) == [
        ("MEX", "Confidential: concerns about its funding.")
    ]
    assert (
        "Confidential: concerns about its funding."
        in client.get(reverse("registrations:non_objection")).content.decode()
    )

    # Kenya's focal point sees the list, not Mexico's objection nor its reason.
    client.force_login(focal_ken)
    page = client.get(reverse("registrations:non_objection")).content.decode()
    assert "Corridor Diaspora Forum" in page
    assert "Confidential" not in page and "Objection recorded" not in page

    # An Observer State's focal point does not consider the list.
    client.force_login(focal_vat)
    assert client.get(reverse("registrations:non_objection")).status_code == 404
    assert client.post(objection_url, {"reason": "x"}).status_code == 404

    # The organization sees neither who objected nor why.
    client.force_login(contested.focal_point)
    page = client.get(reverse("registrations:stakeholder_home")).content.decode()
    assert "On a non-objection list" in page
    assert "Confidential" not in page and "Mexico" not in page
    assert client.get(reverse("registrations:non_objection")).status_code == 404

    # Nothing happens before the deadline; the periodic task closes the list after it.
    assert tasks.close_due_non_objection_lists() == 0
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed = stakeholders.non_objection_lists_close_due(now=deadline + timedelta(minutes=1))
    assert closed == 1
    quiet.refresh_from_db()
    contested.refresh_from_db()
    assert (quiet.accreditation, contested.accreditation) == ("accredited", "not_accredited")
    assert contested.accreditation_reason == "A Member State objected to the organization's participation."
    by_subject = {m.subject: m.body for m in mailoutbox}
    assert sorted(by_subject) == ["Balkan Route Legal Aid: accredited", "Corridor Diaspora Forum: not accredited"]
    assert "Confidential" not in by_subject["Corridor Diaspora Forum: not accredited"]
    assert "Mexico" not in by_subject["Corridor Diaspora Forum: not accredited"]
    # Closing again changes nothing; objections are no longer taken.
    assert stakeholders.non_objection_list_close(nolist=nolist, by=secretariat_user) == {
        "approved": 0,
        "not_approved": 0,
    }
    with pytest.raises(ValidationError, match="closed"):
        stakeholders.objection_raise(entry=contested_entry, by=focal_ken)


def test_an_objection_can_be_withdrawn_before_the_deadline(client, make_organization, secretariat_user, focal_mex):
    organization = make_organization(ecosoc_status="none", accredited=False)
    nolist = stakeholders.non_objection_list_create(
        title="List", deadline=timezone.now() + timedelta(days=1), by=secretariat_user
    )
    (entry,) = stakeholders.non_objection_list_add(nolist=nolist, organizations=[organization], by=secretariat_user)
    client.force_login(focal_mex)
    url = reverse("registrations:objection", kwargs={"entry_pk": entry.pk})
    client.post(url, {"reason": ""})
    assert Objection.objects.count() == 1
    client.post(url, {"withdraw": "1"})
    assert Objection.objects.count() == 0
    stakeholders.non_objection_list_close(nolist=nolist, by=secretariat_user)
    organization.refresh_from_db()
    assert organization.accreditation == "accredited"


def test_the_secretariat_closes_a_list_now_from_the_admin(client, make_organization, secretariat_user, focal_mex):
    organization = make_organization(ecosoc_status="none", accredited=False)
    nolist = stakeholders.non_objection_list_create(
        title="List", deadline=timezone.now() + timedelta(days=1), by=secretariat_user
    )
    (entry,) = stakeholders.non_objection_list_add(nolist=nolist, organizations=[organization], by=secretariat_user)
    stakeholders.objection_raise(entry=entry, by=focal_mex, reason="Not relevant.")
    client.force_login(secretariat_user)
    change = client.get(reverse("admin:registrations_nonobjectionlist_change", args=[nolist.pk])).content.decode()
    assert "Mexico" in change and "Not relevant." in change  # the secretariat reads the reasons
    organization.refresh_from_db()
    before = organization.accreditation
    changelist = reverse("admin:registrations_nonobjectionlist_changelist")
    action = {"action": "close_now", "_selected_action": [nolist.pk]}
    confirmation = client.post(changelist, action).content.decode()
    assert "“List” closes now: 0 organizations accredited (no objection), 1 not accredited (objection)." in (
        confirmation
    )
    organization.refresh_from_db()
    assert organization.accreditation == before  # nothing happens before the confirmation
    response = client.post(changelist, {**action, "confirmed": "yes"}, follow=True)
    assert "List: 0 accredited, 1 not (objection)." in response.content.decode()
    organization.refresh_from_db()
    assert organization.accreditation == "not_accredited"


# --- Representatives ------------------------------------------------------------------------------------------------


def test_representatives_are_confirmed_by_the_focal_point_within_the_sessions_quota(
    client, make_dialogue, make_organization, django_user_model
):
    dialogue = make_dialogue()
    organization = make_organization()
    people = [
        django_user_model.objects.create_user(f"rep{n}@example.org", f"rep{n}@example.org", "pw") for n in range(3)
    ]
    for person in people:
        client.force_login(person)
        client.post(
            reverse("registrations:representation_request"),
            {"session": dialogue.session.pk, "organization": organization.pk, "function": "Advocacy officer"},
        )
    assert Representation.objects.filter(status="requested").count() == 3

    client.force_login(organization.focal_point)
    for representation in Representation.objects.order_by("id"):
        client.post(
            reverse("registrations:representation_decide", kwargs={"pk": representation.pk}), {"decision": "confirm"}
        )
    statuses = list(Representation.objects.order_by("id").values_list("user__email", "status"))
    assert statuses == [
        ("rep0@example.org", "confirmed"),
        ("rep1@example.org", "confirmed"),
        ("rep2@example.org", "requested"),  # the quota (2) is reached
    ]
    Representation.objects.filter(user=people[0]).update(status="declined")
    stakeholders.representation_decide(
        representation=Representation.objects.get(user=people[2]), by=organization.focal_point, confirm=True
    )
    assert Representation.objects.filter(status="confirmed").count() == 2


@pytest.fixture
def two_requests_for_one_place(make_dialogue, make_organization, django_user_model):
    """Two people ask to represent one organization in a dialogue whose quota is one representative."""
    dialogue = make_dialogue()
    dialogue.representatives_per_organization = 1
    dialogue.save()
    organization = make_organization()
    return [
        stakeholders.representation_request(
            session=dialogue.session,
            organization=organization,
            by=django_user_model.objects.create_user(f"r{n}@example.org", f"r{n}@example.org", "pw"),
        )
        for n in range(2)
    ]


def test_the_quota_is_a_setting_of_the_session(two_requests_for_one_place, secretariat_user):
    first, second = two_requests_for_one_place
    stakeholders.representation_decide(representation=first, by=secretariat_user, confirm=True)
    with pytest.raises(ValidationError, match="1 representative is confirmed already"):
        stakeholders.representation_decide(representation=second, by=secretariat_user, confirm=True)


def test_another_organizations_focal_point_cannot_confirm(make_dialogue, make_organization, django_user_model):
    dialogue = make_dialogue()
    organization, other = make_organization(), make_organization()
    person = django_user_model.objects.create_user("p@example.org", "p@example.org", "pw")
    representation = stakeholders.representation_request(session=dialogue.session, organization=organization, by=person)
    with pytest.raises(PermissionDenied):
        stakeholders.representation_decide(representation=representation, by=other.focal_point, confirm=True)


def test_a_confirmed_representative_sees_the_organizations_slot(
    client, make_dialogue, make_organization, apply_for, django_user_model
):
    dialogue = make_dialogue()
    organization = make_organization(name="Sahel Mobility Research Institute")
    application = apply_for(dialogue, organization)
    person = django_user_model.objects.create_user("p@example.org", "p@example.org", "pw")
    representation = stakeholders.representation_request(session=dialogue.session, organization=organization, by=person)
    client.force_login(person)
    ics = reverse("registrations:application_ics", kwargs={"pk": application.pk})
    assert client.get(ics).status_code == 404
    stakeholders.representation_decide(representation=representation, by=organization.focal_point, confirm=True)
    page = client.get(reverse("registrations:stakeholder_home")).content.decode()
    assert "Speaking slots of the organizations you represent" in page and "no. 1, 09:05–09:08" in page
    assert client.get(ics).status_code == 200


def test_unaccredited_organizations_take_no_representatives(make_dialogue, make_organization, django_user_model):
    dialogue = make_dialogue()
    person = django_user_model.objects.create_user("p@example.org", "p@example.org", "pw")
    with pytest.raises(ValidationError, match="not accredited"):
        stakeholders.representation_request(
            session=dialogue.session, organization=make_organization(accredited=False), by=person
        )


def test_the_representative_is_told_of_the_confirmation_and_of_the_decline_after_the_commit(
    make_dialogue,
    make_organization,
    django_user_model,
    secretariat_user,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    dialogue = make_dialogue()
    code = dialogue.session.code
    organization = make_organization(name="Sahel Mobility Research Institute")
    person = django_user_model.objects.create_user("rep@example.org", "rep@example.org", "pw")
    representation = stakeholders.representation_request(session=dialogue.session, organization=organization, by=person)

    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.representation_decide(representation=representation, by=organization.focal_point, confirm=True)
        assert mailoutbox == []  # queued, sent after the commit
    (message,) = mailoutbox
    assert message.to == ["rep@example.org"]
    assert message.subject == f"{code}: your request to represent Sahel Mobility Research Institute is confirmed"
    assert message.body.startswith(f"Informal thematic session {dialogue.session.number}: ")
    assert "Your request to represent Sahel Mobility Research Institute at this session is confirmed." in message.body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.representation_decide(representation=representation, by=secretariat_user, confirm=False)
    (message,) = mailoutbox
    assert message.to == ["rep@example.org"]
    assert message.subject == f"{code}: your request to represent Sahel Mobility Research Institute is declined"
    assert "Your request to represent Sahel Mobility Research Institute at this session has been declined." in (
        message.body
    )

    # The same decision again tells nobody again.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.representation_decide(representation=representation, by=secretariat_user, confirm=False)
    assert mailoutbox == []


def test_no_e_mail_to_the_representative_when_the_decision_is_rolled_back_or_refused(
    two_requests_for_one_place,
    secretariat_user,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    first, second = two_requests_for_one_place
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        stakeholders.representation_decide(representation=first, by=secretariat_user, confirm=True)
        raise RuntimeError("the caller's transaction fails")
    assert (callbacks, mailoutbox) == ([], [])
    first.refresh_from_db()
    assert first.status == "requested"

    stakeholders.representation_decide(representation=first, by=secretariat_user, confirm=True)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError, match="confirmed already"),
    ):
        stakeholders.representation_decide(representation=second, by=secretariat_user, confirm=True)
    assert (callbacks, mailoutbox) == ([], [])


def test_a_decision_changed_before_its_e_mail_went_is_not_sent(
    make_dialogue,
    make_organization,
    django_user_model,
    secretariat_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    dialogue = make_dialogue()
    person = django_user_model.objects.create_user("rep@example.org", "rep@example.org", "pw")
    representation = stakeholders.representation_request(
        session=dialogue.session, organization=make_organization(), by=person
    )
    stakeholders.representation_decide(representation=representation, by=secretariat_user, confirm=True)
    stakeholders.representation_decide(representation=representation, by=secretariat_user, confirm=False)
    assert tasks.notify_representation_decision(representation.pk, "confirmed") is False
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_representation_decision(representation.pk, "declined") is True
    assert [m.subject.endswith("is declined") for m in mailoutbox] == [True]


def test_a_focal_point_toggling_a_confirmation_400_times_sends_one_e_mail_of_the_decision_that_stands(
    make_dialogue, make_organization, django_user_model, django_capture_on_commit_callbacks, mailoutbox, settings
):
    dialogue = make_dialogue()
    organization = make_organization(name="Sahel Mobility Research Institute")
    person = django_user_model.objects.create_user("rep@example.org", "rep@example.org", "pw")
    representation = stakeholders.representation_request(session=dialogue.session, organization=organization, by=person)
    # Each decision commits and queues its task with the settle delay as countdown; the broker holds them all until
    # the burst is over, then they run (here: the on-commit callbacks, run after the 400 decisions).
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for toggle in range(400):
            stakeholders.representation_decide(
                representation=representation, by=organization.focal_point, confirm=toggle % 2 == 0
            )
    assert len(queued) == 400
    with django_capture_on_commit_callbacks(execute=True):
        for task in queued:
            task()
    assert [message.subject.rsplit(" ", 1)[-1] for message in mailoutbox] == ["declined"]
    representation.refresh_from_db()
    assert (representation.status, representation.notified_status) == ("declined", "declined")

    # Toggled again and back to what the representative was told: nobody is told anything.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.representation_decide(representation=representation, by=organization.focal_point, confirm=True)
        stakeholders.representation_decide(representation=representation, by=organization.focal_point, confirm=False)
    assert mailoutbox == []


def test_a_representation_notice_waits_the_settle_delay_and_its_task_run_twice_sends_once(
    make_dialogue,
    make_organization,
    django_user_model,
    secretariat_user,
    mailoutbox,
    settings,
    redis_broker,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    settings.REPRESENTATION_NOTICE_SETTLE_SECONDS = 45
    dialogue = make_dialogue()
    person = django_user_model.objects.create_user("rep@example.org", "rep@example.org", "pw")
    representation = stakeholders.representation_request(
        session=dialogue.session, organization=make_organization(), by=person
    )
    redis_broker.conf.task_always_eager = False  # the task goes to the real broker (the conftest restores this)
    with django_capture_on_commit_callbacks(execute=True):
        stakeholders.representation_decide(representation=representation, by=secretariat_user, confirm=True)
    committed = timezone.now()
    representation.refresh_from_db()
    [(task, args, eta)] = broker_messages()
    assert (task, args) == (
        "registrations.notify_representation_decision",
        [representation.pk, "confirmed", representation.decided_at.isoformat()],
    )
    settle = timedelta(seconds=45)
    assert representation.decided_at + settle <= eta <= committed + settle  # put on the broker after the commit
    redis_broker.conf.task_always_eager = True  # the task, delivered twice, and the outbox's, run here
    with django_capture_on_commit_callbacks(execute=True):
        assert [tasks.notify_representation_decision(*args) for _ in range(2)] == [True, False]
    assert [message.to for message in mailoutbox] == [["rep@example.org"]]
