"""Speakers lists: groups first, then by level, then by time of inscription; the secretariat moves and locks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import Inscription, SpeakersList

Level = Inscription.Level


@pytest.fixture
def fps(make_focal_point, mission_mex, mission_che, mission_zaf, mission_vat):
    return {m.state.iso3: (m, make_focal_point(m)) for m in (mission_mex, mission_che, mission_zaf, mission_vat)}


def inscribe(speakers_list, fps, iso3, name, level, group="", minutes_ago=0):
    mission, user = fps[iso3]
    inscription = services.inscription_create(
        speakers_list=speakers_list,
        mission=mission,
        by=user,
        family_name=name,
        function="f",
        level=level,
        group_name=group,
    )
    if minutes_ago:  # inscriptions made earlier than now, to order by time without sleeping
        Inscription.objects.filter(pk=inscription.pk).update(
            inscribed_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
    return inscription


def order(speakers_list):
    return list(speakers_list.inscriptions.order_by("position").values_list("position", "family_name"))


def test_groups_speak_first_then_by_level_then_by_time_of_inscription(speakers_list, fps, secretariat_user):
    inscribe(speakers_list, fps, "MEX", "Mexico PR", Level.PERMANENT_REPRESENTATIVE, minutes_ago=50)
    inscribe(speakers_list, fps, "CHE", "Swiss minister", Level.MINISTER, minutes_ago=40)
    inscribe(speakers_list, fps, "VAT", "Holy See PR", Level.PERMANENT_REPRESENTATIVE, minutes_ago=30)
    inscribe(speakers_list, fps, "ZAF", "African Group", Level.OTHER, group="African Group", minutes_ago=20)
    inscribe(speakers_list, fps, "MEX", "CELAC", Level.PERMANENT_REPRESENTATIVE, group="CELAC", minutes_ago=10)
    services.speakers_list_reorder(speakers_list=speakers_list, by=secretariat_user)
    assert order(speakers_list) == [
        (1, "CELAC"),  # groups first, by level: a Permanent Representative ...
        (2, "African Group"),  # ... before "other", though inscribed earlier
        (3, "Swiss minister"),
        (4, "Mexico PR"),  # same level: earlier inscription first
        (5, "Holy See PR"),
    ]


def test_each_inscription_takes_its_place_by_the_rule_at_once(speakers_list, fps):
    inscribe(speakers_list, fps, "MEX", "Mexico", Level.OTHER)
    inscribe(speakers_list, fps, "CHE", "Switzerland", Level.MINISTER)
    inscribe(speakers_list, fps, "ZAF", "G77", Level.OTHER, group="Group of 77 and China")
    assert order(speakers_list) == [(1, "G77"), (2, "Switzerland"), (3, "Mexico")]


def test_time_limit_is_the_lists_default(speakers_list, fps):
    speakers_list.time_limit = timedelta(minutes=5)
    speakers_list.save()
    assert inscribe(speakers_list, fps, "MEX", "Mexico", Level.OTHER).time_limit == timedelta(minutes=5)


def test_the_secretariat_moves_a_speaker_and_later_inscriptions_join_at_the_end(speakers_list, fps, secretariat_user):
    inscribe(speakers_list, fps, "MEX", "Mexico", Level.OTHER)
    swiss = inscribe(speakers_list, fps, "CHE", "Switzerland", Level.MINISTER)
    services.inscription_move(inscription=swiss, to_position=2, by=secretariat_user)
    assert order(speakers_list) == [(1, "Mexico"), (2, "Switzerland")]
    inscribe(speakers_list, fps, "ZAF", "G77", Level.OTHER, group="Group of 77 and China")
    assert order(speakers_list) == [(1, "Mexico"), (2, "Switzerland"), (3, "G77")]
    services.speakers_list_reorder(speakers_list=speakers_list, by=secretariat_user)
    assert order(speakers_list) == [(1, "G77"), (2, "Switzerland"), (3, "Mexico")]


def test_only_the_secretariat_moves_speakers(speakers_list, fps):
    mexico = inscribe(speakers_list, fps, "MEX", "Mexico", Level.OTHER)
    with pytest.raises(PermissionDenied):
        services.inscription_move(inscription=mexico, to_position=1, by=fps["MEX"][1])


def test_a_locked_list_takes_no_inscriptions_or_withdrawals(speakers_list, fps, secretariat_user):
    mexico = inscribe(speakers_list, fps, "MEX", "Mexico", Level.OTHER)
    services.speakers_list_set(speakers_list=speakers_list, by=secretariat_user, is_locked=True)
    with pytest.raises(ValidationError, match="closed to inscriptions"):
        inscribe(speakers_list, fps, "CHE", "Switzerland", Level.OTHER)
    with pytest.raises(ValidationError, match="locked"):
        services.inscription_withdraw(inscription=mexico, by=fps["MEX"][1])
    services.inscription_move(inscription=mexico, to_position=1, by=secretariat_user)  # the secretariat still can


def test_a_state_speaks_once_per_list_and_a_group_once(speakers_list, fps):
    inscribe(speakers_list, fps, "MEX", "Mexico", Level.OTHER)
    with pytest.raises(ValidationError):
        inscribe(speakers_list, fps, "MEX", "Mexico again", Level.MINISTER)
    inscribe(speakers_list, fps, "MEX", "CELAC", Level.OTHER, group="CELAC")
    with pytest.raises(ValidationError):
        inscribe(speakers_list, fps, "CHE", "CELAC again", Level.OTHER, group="CELAC")


def test_withdrawal_closes_the_gap(speakers_list, fps):
    first = inscribe(speakers_list, fps, "MEX", "Mexico", Level.MINISTER)
    inscribe(speakers_list, fps, "CHE", "Switzerland", Level.OTHER)
    services.inscription_withdraw(inscription=first, by=fps["MEX"][1])
    assert order(speakers_list) == [(1, "Switzerland")]


def test_only_items_taking_statements_from_the_floor_get_a_list(make_session):
    from sessions.models import AgendaItem

    session = make_session()
    lunch = AgendaItem.objects.create(
        session=session, day=session.start_date, start_time="13:00", end_time="15:00", kind="break", title="Lunch"
    )
    with pytest.raises(ValidationError, match="takes no statements from the floor"):
        SpeakersList(item=lunch).full_clean()


def test_the_session_page_shows_a_list_once_published(client, speakers_list, fps, secretariat_user):
    inscribe(speakers_list, fps, "CHE", "Lauber", Level.PERMANENT_REPRESENTATIVE)
    url = reverse("registrations:session_speakers", kwargs={"slug": speakers_list.item.session.slug})
    assert "Lauber" not in client.get(url).content.decode()
    services.speakers_list_set(speakers_list=speakers_list, by=secretariat_user, is_published=True)
    page = client.get(url).content.decode()
    assert "Switzerland" in page and "Lauber" in page


def test_focal_point_inscribes_through_the_form(client, speakers_list, fps):
    client.force_login(fps["MEX"][1])
    url = reverse("registrations:inscribe", kwargs={"list_pk": speakers_list.pk})
    response = client.post(
        url,
        {
            "group_name": "",
            "honorific": "H.E. Mr.",
            "given_name": "Juan José",
            "family_name": "Gómez-Camacho",
            "function": "Ambassador",
            "level": Level.PERMANENT_REPRESENTATIVE,
        },
    )
    assert response.status_code == 302
    inscription = speakers_list.inscriptions.get()
    assert (inscription.mission.state.iso3, inscription.speaker_name, inscription.time_limit) == (
        "MEX",
        "H.E. Mr. Juan José Gómez-Camacho",
        timedelta(minutes=3),
    )
