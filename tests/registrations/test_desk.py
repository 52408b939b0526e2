"""The secretariat's desk on the admin's index: what awaits a decision, what closes soon, what is due, per session,
each count a link to the admin list filtered to exactly those objects; the same queries for 1 and 50 objects."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compact_portal import desk
from registrations import desk as secretariat_desk
from registrations.models import DelegationRegistration, Dialogue, NonObjectionList, PermanentMission, State
from registrations.services import dialogue as dialogue_services
from registrations.services import stakeholders


@pytest.fixture
def make_mission(groups):
    counter = iter(range(100))

    def make():
        n = next(counter)
        state = State.objects.create(
            iso3=f"X{n:02d}",
            iso2=f"{n:02d}",
            name_en=f"State {n:02d}",
            name_fr=f"État {n:02d}",
            membership="member",
            regional_group=groups["WEOG"],
        )
        return PermanentMission.objects.create(state=state, name=f"Mission {n:02d}")

    return make


def _submit(count, *, session, make_mission, make_focal_point, make_registration):
    for _ in range(count):
        mission = make_mission()
        make_registration(session=session, mission=mission, focal_point=make_focal_point(mission), status="submitted")


def _rows(user, key, now=None):
    return next(entry.rows for entry in desk.desk_for(user, now=now) if entry.key == key)


def test_submitted_registrations_are_counted_per_session_and_link_to_the_filtered_list(
    make_session, make_mission, make_focal_point, make_registration, secretariat_user
):
    deadline = timezone.now() + timedelta(days=5)
    first = make_session(title="Human rights of all migrants", registration_deadline=deadline)
    second = make_session(title="Irregular migration", registration_deadline=deadline)
    _submit(2, session=first, make_mission=make_mission, make_focal_point=make_focal_point,
            make_registration=make_registration)  # fmt: skip
    _submit(1, session=second, make_mission=make_mission, make_focal_point=make_focal_point,
            make_registration=make_registration)  # fmt: skip
    changelist = reverse("admin:registrations_delegationregistration_changelist")
    ids = dict(DelegationRegistration.objects.values_list("mission__state__name_en", "pk"))

    def change(name):
        return (name, reverse("admin:registrations_delegationregistration_change", args=[ids[name]]))

    assert _rows(secretariat_user, desk.AWAITING) == [
        desk.Row(
            label="Registrations submitted",
            count=2,
            session=f"ITS{first.number}: Human rights of all migrants",
            url=f"{changelist}?session__id__exact={first.pk}&status__exact=submitted",
            note="Waiting longest:",
            links=[change("State 00"), change("State 01")],
        ),
        desk.Row(
            label="Registrations submitted",
            count=1,
            session=f"ITS{second.number}: Irregular migration",
            url=f"{changelist}?session__id__exact={second.pk}&status__exact=submitted",
            note="Waiting longest:",
            links=[change("State 02")],
        ),
    ]


def test_accreditation_requests_and_objections_await_the_secretariat(
    make_organization, secretariat_user, mission_mex, focal_mex
):
    make_organization(accredited=False, ecosoc_status="special")
    on_list = make_organization(accredited=False, ecosoc_status="none")
    make_organization(accredited=False, ecosoc_status="none")
    deadline = timezone.now() + timedelta(days=14)
    nolist = stakeholders.non_objection_list_create(title="ITS6 stakeholders", deadline=deadline, by=secretariat_user)
    stakeholders.non_objection_list_add(nolist=nolist, organizations=[on_list], by=secretariat_user)
    stakeholders.objection_raise(entry=nolist.entries.get(), by=focal_mex, reason="")

    rows = _rows(secretariat_user, desk.AWAITING)
    assert [(row.label, row.count, row.url) for row in rows] == [
        (
            "Accreditation requests",
            2,
            reverse("admin:registrations_organization_changelist") + "?accreditation__exact=requested",
        ),
        (
            "Organizations with an objection on “ITS6 stakeholders”",
            1,
            reverse("admin:registrations_nonobjectionlist_change", args=[nolist.pk]),
        ),
    ]
    assert rows[0].note == ("1 in consultative status with ECOSOC (confirm), 1 without (put on a non-objection list)")


def test_pending_focal_point_requests_await_the_secretariat_not_the_cofacilitators(
    mission_mex, mission_che, django_user_model, secretariat_user, cofacilitator_user
):
    # They were listed under "Missions' answers", below the fold, and not counted in "Awaiting a decision".
    from registrations import missions

    for email, mission in [("a@mission-mex.example.org", mission_mex), ("b@mission-che.example.org", mission_che)]:
        user = django_user_model.objects.create_user(email, email, "a-long-test-password")
        missions.focal_point_request_create(user=user, mission=mission, function="Attaché", language="en")
    declined = missions.focal_point_request_create(
        user=django_user_model.objects.create_user("c@example.org", "c@example.org", "a-long-test-password"),
        mission=mission_mex,
        function="Intern",
        language="en",
    )
    missions.focal_point_request_decline(request=declined, by=secretariat_user, reason="Not on the mission's staff.")

    rows = _rows(secretariat_user, desk.AWAITING)
    assert [(row.label, row.count, row.note, row.url) for row in rows] == [
        (
            "Focal-point requests",
            2,
            "accounts asking to act for a mission",
            reverse("admin:registrations_focalpointrequest_changelist") + "?status__exact=pending",
        )
    ]
    answers = [row.label for entry in desk.desk_for(secretariat_user) if entry.key == "answers" for row in entry.rows]
    assert "Focal-point requests to decide" not in answers
    assert desk.AWAITING not in [entry.key for entry in desk.desk_for(cofacilitator_user)]


def test_deadlines_close_in_date_order_and_draws_fall_due_after_the_deadline(
    make_session, make_dialogue, make_organization, apply_for, secretariat_user
):
    now = timezone.now()
    session = make_session(title="Irregular migration", registration_deadline=now + timedelta(days=20))
    dialogue = make_dialogue(allocation="draw", session=session)  # applications close in a week
    apply_for(dialogue, make_organization())
    apply_for(dialogue, make_organization())
    closing = _rows(secretariat_user, desk.CLOSING, now=now)
    assert [(row.label, row.count, row.when) for row in closing] == [
        ("Applications to speak in the informal dialogue close", 2, dialogue.applications_close_at),
        ("Registration of delegations closes", 0, session.registration_deadline),
    ]
    assert _rows(secretariat_user, desk.DUE, now=now) == []

    later = dialogue.applications_close_at + timedelta(minutes=1)
    assert _rows(secretariat_user, desk.DUE, now=later) == [
        desk.Row(
            label="Draw of the speaking slots",
            count=2,
            note="applications awaiting the draw",
            session=f"ITS{session.number}: Irregular migration",
            when=dialogue.applications_close_at,
            url=reverse("admin:registrations_dialogue_draw", args=[dialogue.pk]),
        )
    ]


def test_what_the_desk_shows_due_is_what_the_periodic_tasks_then_do(
    make_dialogue, make_organization, apply_for, secretariat_user, django_capture_on_commit_callbacks
):
    """One definition of "draw due" and of "list past its deadline" (Dialogue.objects.draw_due,
    NonObjectionList.objects.past_deadline) for the desk and the periodic tasks: at the very deadline both are due on
    the desk, the tasks draw and close exactly those, and the desk has nothing due after."""
    drawn_later = make_dialogue(allocation="draw")
    apply_for(drawn_later, make_organization())
    first_come = make_dialogue(allocation="first_come")
    at = drawn_later.applications_close_at
    first_come.applications_close_at = at
    first_come.save()
    nolist = stakeholders.non_objection_list_create(title="Stakeholders", deadline=at, by=secretariat_user)
    assert (
        list(Dialogue.objects.draw_due(at)),
        list(NonObjectionList.objects.past_deadline(at)),
        [row.url for row in _rows(secretariat_user, desk.DUE, now=at) if "speakers" not in row.label],
    ) == (
        [drawn_later],
        [nolist],
        [
            reverse("admin:registrations_dialogue_draw", args=[drawn_later.pk]),
            reverse("admin:registrations_nonobjectionlist_change", args=[nolist.pk]),
        ],
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert dialogue_services.dialogues_draw_due(now=at) == 1
        assert stakeholders.non_objection_lists_close_due(now=at) == 1
    assert [row.label for row in _rows(secretariat_user, desk.DUE, now=at) if "speakers" not in row.label] == []


def test_index_is_the_secretariat_desk_with_every_model_beside_it(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["title"] == "Secretariat desk"
    assert [entry.title for entry in response.context["desk"]] == [
        "Awaiting a decision",
        "Closing soon",
        "Due",
        "Sessions",
        "Missions' answers",
    ]
    page = response.content.decode()
    assert "<title>Secretariat desk | Compact Portal</title>" in page
    assert reverse("admin:registrations_delegationregistration_changelist") in page  # the model index stays
    assert reverse("admin:consultations_thematicsession_changelist") in page


def test_index_runs_the_same_queries_for_1_and_50_objects(
    client, make_session, make_mission, make_focal_point, make_registration, make_dialogue, make_organization,
    apply_for, secretariat_user,
):  # fmt: skip
    session = make_session(registration_deadline=timezone.now() + timedelta(days=5))
    dialogue = make_dialogue(allocation="draw", session=session)
    nolist = stakeholders.non_objection_list_create(
        title="List", deadline=timezone.now() + timedelta(days=3), by=secretariat_user
    )

    def add(count):
        _submit(count, session=session, make_mission=make_mission, make_focal_point=make_focal_point,
                make_registration=make_registration)  # fmt: skip
        for _ in range(count):
            apply_for(dialogue, make_organization())
            organization = make_organization(accredited=False, ecosoc_status="none")
            stakeholders.non_objection_list_add(nolist=nolist, organizations=[organization], by=secretariat_user)
            make_organization(accredited=False)

    client.force_login(secretariat_user)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("admin:index")).status_code == 200
        return len(context.captured_queries)

    add(1)
    one = queries()
    add(49)
    assert queries() == one


def test_a_section_registered_by_another_app_plugs_into_the_desk(secretariat_user, cofacilitator_user):
    section = desk.register(
        key="test-plugged",
        title="Focal-point requests",
        order=15,
        audience=lambda user: user.has_perm("registrations.process_delegationregistration"),
        rows=lambda **_: [desk.Row(label="Requests", count=3, url="/admin/x/")],
    )
    try:
        assert [entry.title for entry in desk.desk_for(secretariat_user)][:2] == [
            "Awaiting a decision",
            "Focal-point requests",
        ]
        assert section not in [entry.section for entry in desk.desk_for(cofacilitator_user)]
    finally:
        desk._registry.pop("test-plugged")


def test_session_label_is_the_code_and_the_start_of_the_title():
    assert secretariat_desk.session_label(6, "Irregular migration and regular pathways, including decent work, "
                                             "labour mobility, recognition of skills and qualifications") == (
        "ITS6: Irregular migration and regular pathways, including decent work…"
    )  # fmt: skip
