# ruff: noqa: F811 - the delegates' fixtures are imported from tests/registrations/conftest.py by name
"""Reminders go through the letters' machinery, once per mission per reminder even when beat runs twice, each with
its own registration link, only to those who have not answered; "remind now" shows the count first."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from invitations import board, reminders
from invitations.models import Delivery, Letter, LetterVersion, ReminderRound, ReminderSchedule
from invitations.services import letter_create
from outbox.models import OutgoingMail
from registrations import links, missions
from registrations.models import PermanentMission
from registrations.services import dialogue as dialogue_services
from tests.registrations.conftest import (  # noqa: F401
    _tasks_run_in_process,
    focal_che,
    focal_mex,
    groups,
    head,
    make_dialogue,
    make_focal_point,
    make_organization,
    make_registration,
    mission_che,
    mission_mex,
    mission_vat,
    mission_zaf,
)

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def session(make_session, mission_mex, mission_che, mission_zaf, mission_vat):
    for mission in (mission_mex, mission_che, mission_zaf, mission_vat):
        iso = mission.state.iso3.lower()
        PermanentMission.objects.filter(pk=mission.pk).update(emails=f"pm.{iso}@missions.example.org")
    return make_session(registration_deadline=NOW + timedelta(days=10))


def _reminder_letter(session, **fields):
    values = {"kind": Letter.Kind.REMINDER, "place_date": "New York", "subject": "Reminder", "body": "Please answer."}
    return letter_create(session=session, **(values | fields))


def _reminded(session) -> list[str]:
    deliveries = Delivery.objects.filter(letter__session=session, letter__kind=Letter.Kind.REMINDER)
    return sorted(deliveries.values_list("email", flat=True))


@pytest.mark.django_db
def test_reminders_go_once_each_to_missions_without_an_answer_even_when_beat_runs_twice(
    session, mission_mex, mission_che, focal_mex, focal_che, make_registration
):
    _reminder_letter(session)
    make_registration(session=session, mission=mission_mex, focal_point=focal_mex, status="submitted")
    missions.mission_answer_set(session=session, mission=mission_che, by=focal_che, not_attending=True)

    assert reminders.reminders_send_due(now=NOW) == 0  # 10 days before: nothing due
    seven_days_before = session.registration_deadline - timedelta(days=7)
    assert reminders.reminders_send_due(now=seven_days_before) == 1
    assert reminders.reminders_send_due(now=seven_days_before) == 0  # beat runs twice
    assert reminders.reminders_send_due(now=seven_days_before + timedelta(hours=1)) == 0
    assert _reminded(session) == ["pm.vat@missions.example.org", "pm.zaf@missions.example.org"]

    two_days_before = session.registration_deadline - timedelta(days=2)
    assert reminders.reminders_send_due(now=two_days_before) == 1
    assert reminders.reminders_send_due(now=two_days_before) == 0
    assert _reminded(session) == [
        "pm.vat@missions.example.org",
        "pm.vat@missions.example.org",
        "pm.zaf@missions.example.org",
        "pm.zaf@missions.example.org",
    ]
    assert list(ReminderRound.objects.order_by("days_before").values_list("days_before", "skipped")) == [
        (2, False),
        (7, False),
    ]
    assert reminders.reminders_send_due(now=session.registration_deadline) == 0  # closed: nothing more


@pytest.mark.django_db
def test_each_mission_is_reminded_in_its_language_of_correspondence(session, mission_zaf, mission_vat):
    letter = _reminder_letter(session)
    LetterVersion.objects.create(
        letter=letter,
        language="fr",
        place_date="New York",
        subject="Rappel",
        salutation="Excellence,",
        body="Veuillez répondre.",
        closing="Veuillez agréer, Excellence, les assurances de notre très haute considération.",
        addressee="Missions permanentes",
    )
    PermanentMission.objects.filter(pk=mission_zaf.pk).update(correspondence_language="fr")
    PermanentMission.objects.filter(pk=mission_vat.pk).update(correspondence_language="es")  # no Spanish version

    assert reminders.reminders_send_due(now=session.registration_deadline - timedelta(days=7)) == 1
    languages = dict(
        Delivery.objects.filter(letter__kind=Letter.Kind.REMINDER).values_list("email", "revision__language")
    )
    assert languages == {
        "pm.che@missions.example.org": "en",
        "pm.mex@missions.example.org": "en",
        "pm.vat@missions.example.org": "en",
        "pm.zaf@missions.example.org": "fr",
    }


@pytest.mark.django_db
def test_each_reminder_carries_the_missions_own_link(session, mission_zaf):
    _reminder_letter(session)
    reminders.reminders_send_due(now=session.registration_deadline - timedelta(days=7))
    delivery = Delivery.objects.get(mission=mission_zaf)
    token = delivery.values["registration_url"].rstrip("/").rsplit("/", 1)[1]
    link = links.registration_link_read(token, now=NOW)
    assert (link.session, link.mission, link.email) == (session, mission_zaf, "pm.zaf@missions.example.org")


@pytest.mark.django_db
def test_a_schedule_set_late_sends_the_latest_reminder_only(session):
    _reminder_letter(session)
    ReminderSchedule.objects.create(session=session, mission_days="14,7,2")
    assert reminders.reminders_send_due(now=session.registration_deadline - timedelta(days=3)) == 1
    assert list(ReminderRound.objects.order_by("days_before").values_list("days_before", "skipped")) == [
        (7, False),
        (14, True),
    ]
    assert len(_reminded(session)) == 4


@pytest.mark.django_db
def test_remind_now_counts_first_and_sends_once_per_form(session, cofacilitator_user, mission_zaf):
    _reminder_letter(session)
    assert reminders.reminder_count(session, audience=reminders.MISSIONS) == reminders.AudienceCount(
        recipients=4, addresses=4
    )
    key = uuid.uuid4()
    first = reminders.reminder_send_now(session=session, audience=reminders.MISSIONS, by=cofacilitator_user, key=key)
    second = reminders.reminder_send_now(session=session, audience=reminders.MISSIONS, by=cofacilitator_user, key=key)
    assert first.pk == second.pk
    assert len(_reminded(session)) == 4
    OutgoingMail.objects.filter(delivery__mission=mission_zaf).update(status=OutgoingMail.Status.SENT, sent_at=NOW)
    row = next(r for r in board.board_rows(session) if r.mission == mission_zaf)
    assert (row.reminders_sent, row.last_reminder_at) == (1, NOW)


@pytest.mark.django_db
def test_remind_now_page_shows_the_count_before_sending(client, session, cofacilitator_user):
    _reminder_letter(session)
    client.force_login(cofacilitator_user)
    url = f"/admin/registrations/missionanswer/remind/?session={session.pk}&audience=no-answer"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["count"] == reminders.AudienceCount(recipients=4, addresses=4)
    assert Delivery.objects.count() == 0
    response = client.post(url, {"session": session.pk, "audience": "no-answer", "key": str(uuid.uuid4())})
    assert response.status_code == 302
    assert len(_reminded(session)) == 4


@pytest.mark.django_db
def test_organizations_that_have_not_applied_are_reminded_before_the_application_deadline(
    make_dialogue, make_organization
):
    dialogue = make_dialogue()
    applied, silent = make_organization(), make_organization()
    dialogue_services.application_submit(
        dialogue=dialogue,
        organization=applied,
        by=applied.focal_point,
        speaker_name="A",
        speaker_function="B",
        summary="C",
    )
    letter = _reminder_letter(dialogue.session, subject="Apply for the dialogue")
    ReminderSchedule.objects.create(session=dialogue.session, stakeholder_letter=letter, stakeholder_days="2")
    assert reminders.reminders_send_due(now=dialogue.applications_close_at - timedelta(days=3)) == 0
    assert reminders.reminders_send_due(now=dialogue.applications_close_at - timedelta(days=2)) == 1
    assert reminders.reminders_send_due(now=dialogue.applications_close_at - timedelta(days=2)) == 0
    emails = sorted(Delivery.objects.values_list("email", flat=True))
    assert applied.email not in emails
    assert silent.email in emails


@pytest.mark.django_db
def test_a_rounds_copy_of_the_reminder_letter_is_left_out_of_the_letters_lists_and_reached_from_its_round(
    client, session, cofacilitator_user
):
    from django.urls import reverse

    from compact_portal import desk

    letter = _reminder_letter(session)
    reminders.reminder_send_now(session=session, audience=reminders.MISSIONS, by=cofacilitator_user, key=uuid.uuid4())
    copy = ReminderRound.objects.get().letter
    assert (Letter.objects.count(), list(Letter.objects.originals()), copy.pk != letter.pk) == (2, [letter], True)

    client.force_login(cofacilitator_user)
    listing = client.get(reverse("admin:invitations_letter_changelist"))
    assert (list(listing.context["cl"].result_list), listing.context["cl"].full_result_count) == ([letter], 1)
    rows = next(entry.rows for entry in desk.desk_for(cofacilitator_user) if entry.key == "letters")
    assert [row.url for row in rows] == [reverse("admin:invitations_letter_change", args=[letter.pk])]

    rounds = client.get(reverse("admin:invitations_reminderround_changelist")).content.decode()
    copy_page = reverse("admin:invitations_letter_change", args=[copy.pk])
    assert f'<a href="{copy_page}">{copy}</a>' in rounds
    assert client.get(copy_page).status_code == 200
