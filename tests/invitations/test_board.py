# ruff: noqa: F811 - the delegates' fixtures are imported from tests/registrations/conftest.py by name
"""The co-facilitators' board: every mission's letter, link, answer and registration, with counts, filters and a
CSV export; a constant number of queries whatever the number of missions."""

import csv
import io
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from invitations import board
from invitations.models import Dispatch, Letter
from invitations.services import letter_revision_for
from outbox.models import OutgoingMail
from registrations import missions
from registrations.models import MissionAnswer, PermanentMission, RegionalGroup, State
from tests.invitations.conftest import delivery_with_mail
from tests.registrations.conftest import (  # noqa: F401 - the delegates' fixtures, tasks run in this process
    _tasks_run_in_process,
    focal_che,
    focal_mex,
    groups,
    head,
    make_focal_point,
    make_registration,
    mission_che,
    mission_mex,
    mission_vat,
    mission_zaf,
)


@pytest.fixture
def session(make_session):
    return make_session(registration_deadline=timezone.now() + timedelta(days=20))


def _missions(count: int, *, group: RegionalGroup) -> list[PermanentMission]:
    created = []
    for number in range(count):
        code = f"{number:03d}"
        state = State.objects.create(
            iso3=f"{chr(65 + number // 26 % 26)}{chr(65 + number % 26)}X",
            iso2=f"{chr(65 + number // 26 % 26)}{chr(65 + number % 26)}",
            name_en=f"State {code}",
            name_fr=f"État {code}",
            membership=State.Membership.MEMBER,
            regional_group=group,
        )
        created.append(PermanentMission.objects.create(state=state, name=f"Permanent Mission of State {code}"))
    return created


def _letter_to(session, mission_list, *, kind=Letter.Kind.INVITATION, status=OutgoingMail.Status.SENT):
    letter = Letter.objects.create(session=session, kind=kind, place_date="New York", subject="S", body="B")
    dispatch = Dispatch.objects.create(letter=letter, audience="member-states")
    revision = letter_revision_for(letter=letter, language=letter.language)
    for mission in mission_list:
        delivery_with_mail(
            dispatch=dispatch,
            letter=letter,
            revision=revision,
            mission=mission,
            email=f"pm.{mission.state.iso3.lower()}@missions.example.org",
            recipient_name=mission.name,
            recipient_code=mission.state.iso3,
            status=status,
            sent_at=timezone.now() if status == OutgoingMail.Status.SENT else None,
        )
    return letter


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 195])
def test_the_board_runs_the_same_queries_for_1_and_195_missions(
    count, session, groups, make_focal_point, make_registration, django_assert_num_queries
):
    mission_list = _missions(count, group=groups["AFRICA"])
    _letter_to(session, mission_list)
    focal = make_focal_point(mission_list[0])
    make_registration(session=session, mission=mission_list[0], focal_point=focal, status="submitted")
    with django_assert_num_queries(5):
        rows = board.board_rows(session)
    assert len(rows) == count
    assert rows[0].head.family_name == "Gómez-Camacho"


@pytest.mark.django_db
def test_counts_answers_and_filters(
    session,
    groups,
    mission_mex,
    mission_che,
    mission_zaf,
    mission_vat,
    focal_mex,
    focal_che,
    make_registration,
    secretariat_user,
):
    _letter_to(session, [mission_mex, mission_che, mission_zaf])
    make_registration(
        session=session, mission=mission_mex, focal_point=focal_mex, secretariat=secretariat_user, status="approved"
    )
    missions.mission_answer_set(session=session, mission=mission_che, by=focal_che, not_attending=True)
    rows = board.board_rows(session)
    assert [(r.state.iso3, r.answer, r.registration_status, r.letter_status) for r in rows] == [
        ("VAT", "none", "none", ""),
        ("MEX", "registering", "approved", "sent"),
        ("ZAF", "none", "none", "sent"),
        ("CHE", "not_attending", "none", "sent"),
    ]
    assert board.board_counts(rows) == [
        "1 of 3 Member States registered · 1 not attending · 1 no answer",
        "0 of 1 Observer States registered · 0 not attending · 1 no answer",
    ]
    assert [r.state.iso3 for r in board.board_filter(rows, group="grulac")] == ["MEX"]
    assert [r.state.iso3 for r in board.board_filter(rows, answer="none")] == ["VAT", "ZAF"]
    assert [r.state.iso3 for r in board.board_filter(rows, status="approved")] == ["MEX"]


@pytest.mark.django_db
def test_the_desk_links_to_the_missions_without_an_answer_with_their_count(
    session, make_session, groups, mission_mex, mission_che, mission_zaf, mission_vat, focal_mex, focal_che,
    make_registration, secretariat_user, django_assert_num_queries,
):  # fmt: skip
    make_registration(session=session, mission=mission_mex, focal_point=focal_mex, status="submitted")
    missions.mission_answer_set(session=session, mission=mission_che, by=focal_che, not_attending=True)
    later = make_session(registration_deadline=timezone.now() + timedelta(days=40))
    url = "/admin/registrations/missionanswer/?session={}"
    with django_assert_num_queries(1):
        rows = board.desk_rows(now=timezone.now(), user=secretariat_user)
    assert [row.links for row in rows] == [
        [("No answer yet: 2 missions", url.format(session.pk) + "&answer=none")],  # ZAF and VAT
        [("No answer yet: 4 missions", url.format(later.pk) + "&answer=none")],
    ]
    assert len(board.board_filter(board.board_rows(session), answer="none")) == 2


@pytest.mark.django_db
def test_not_attending_then_registering_shows_registering(session, mission_che, focal_che, make_registration):
    missions.mission_answer_set(session=session, mission=mission_che, by=focal_che, not_attending=True)
    make_registration(session=session, mission=mission_che, focal_point=focal_che, status="submitted")
    (row,) = board.board_rows(session)
    assert (row.answer, row.registration_status) == ("registering", "submitted")
    assert MissionAnswer.objects.get().not_attending is True  # recorded, outranked by the registration


@pytest.mark.django_db
def test_cofacilitator_sees_the_board_and_exports_it_with_formula_cells_escaped(
    client, cofacilitator_user, session, groups
):
    (mission,) = _missions(1, group=groups["AFRICA"])
    State.objects.filter(pk=mission.state_id).update(name_en='=HYPERLINK("http://evil")')
    _letter_to(session, [mission])
    client.force_login(cofacilitator_user)
    response = client.get(f"/admin/registrations/missionanswer/?session={session.pk}")
    assert response.status_code == 200
    assert response.context["counts"] == ["0 of 1 Member States registered · 0 not attending · 1 no answer"]
    response = client.get(f"/admin/registrations/missionanswer/?session={session.pk}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == board.CSV_HEADER
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][7:9] == ["No answer", "None"]


@pytest.mark.django_db
def test_a_focal_point_does_not_see_the_board(client, focal_mex, session):
    client.force_login(focal_mex)
    response = client.get(f"/admin/registrations/missionanswer/?session={session.pk}")
    assert response.status_code == 302  # to the login page: not staff


@pytest.mark.django_db
def test_the_board_the_desk_and_the_reminders_agree_on_who_has_not_answered(
    session, make_session, groups, mission_mex, mission_che, mission_zaf, mission_vat, focal_mex, focal_che,
    make_registration, make_focal_point, secretariat_user,
):  # fmt: skip
    """One rule: a mission has answered when it sent its registration to the secretariat or said it will not attend;
    a draft is no answer yet (so the desk, the board and the reminders all count it, and the reminder reaches it)."""
    from invitations import audiences

    make_registration(session=session, mission=mission_mex, focal_point=focal_mex, status="draft")
    make_registration(session=session, mission=mission_che, focal_point=focal_che, status="submitted")
    focal_zaf = make_focal_point(mission_zaf)
    other = make_session(registration_deadline=timezone.now() + timedelta(days=40))
    make_registration(session=other, mission=mission_zaf, focal_point=focal_zaf, status="submitted")
    rows = board.board_rows(session)
    on_board = {row.state.iso3 for row in board.board_filter(rows, answer=board.NO_ANSWER)}
    assert on_board == {"MEX", "ZAF", "VAT"}  # a draft, a registration for another session, nothing
    assert {row.state.iso3: row.answer for row in rows}["CHE"] == board.REGISTERING
    desk = {row.url: row.links[0][0] for row in board.desk_rows(now=timezone.now(), user=secretariat_user)}
    assert desk[f"/admin/registrations/missionanswer/?session={session.pk}"] == "No answer yet: 3 missions"
    letter = Letter(session=session, language="en")
    audience = audiences.audience_recipients(letter=letter, audience=Dispatch.Audience.MISSIONS_WITHOUT_ANSWER)
    reminded = PermanentMission.objects.filter(
        Q(pk__in={recipient.mission_id for recipient in audience.recipients}) | Q(name__in=audience.without_email)
    )
    assert set(reminded.values_list("state__iso3", flat=True)) == on_board


@pytest.mark.django_db
def test_the_board_sums_up_each_missions_letters_and_reminders(session, groups, mission_mex, mission_zaf):
    _letter_to(session, [mission_mex, mission_zaf], status=OutgoingMail.Status.FAILED)
    _letter_to(session, [mission_mex])  # sent to another address list: the letter reached Mexico
    first = _letter_to(session, [mission_zaf], kind=Letter.Kind.REMINDER)
    second = _letter_to(session, [mission_zaf], kind=Letter.Kind.REMINDER)
    _letter_to(session, [mission_zaf], kind=Letter.Kind.REMINDER, status=OutgoingMail.Status.FAILED)
    OutgoingMail.objects.filter(delivery__letter=first).update(sent_at=timezone.now() - timedelta(days=2))
    last = OutgoingMail.objects.get(delivery__letter=second).sent_at
    rows = {row.state.iso3: row for row in board.board_rows(session)}
    assert (rows["MEX"].letter_status, rows["MEX"].reminders_sent) == (OutgoingMail.Status.SENT, 0)
    assert (rows["ZAF"].letter_status, rows["ZAF"].letter_sent_at) == (OutgoingMail.Status.FAILED, None)
    assert (rows["ZAF"].reminders_sent, rows["ZAF"].last_reminder_at) == (2, last)
