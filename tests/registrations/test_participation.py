"""Each audience's way into a session (registrations/participation.py), as the home, session and dialogue pages
show it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registrations import participation, services
from sessions.models import ThematicSession

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 4, 1, 12, 0, tzinfo=UTC)


def test_delegations_register_until_the_deadline_then_registration_is_closed(make_session):
    session = make_session(registration_deadline=datetime(2030, 4, 20, 18, 0, tzinfo=UTC))

    way = participation.delegation_way_in(session, now=NOW)
    assert (way.state, way.status, way.action, way.url) == (
        "open",
        "Registration open until 20 April 2030, 18:00 UTC.",
        "Register your delegation",
        "/en/delegation/",
    )

    closed = participation.delegation_way_in(session, now=datetime(2030, 4, 20, 18, 0, tzinfo=UTC))
    assert (closed.state, closed.status, closed.url) == (
        "closed",
        "Registration closed on 20 April 2030, 18:00 UTC.",
        "",
    )


def test_delegations_see_upcoming_while_the_secretariat_has_set_no_deadline(make_session):
    way = participation.delegation_way_in(make_session(registration_deadline=None), now=NOW)
    assert (way.state, way.status, way.url) == (
        "upcoming",
        "Registration has not opened yet: the secretariat has not set a deadline.",
        "",
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (ThematicSession.Status.CLOSED, "Registration closed."),
        (ThematicSession.Status.DRAFT, "Registration is open only for published sessions."),
    ],
)
def test_the_way_in_says_what_the_services_say_of_a_session_not_published(
    status, message, make_session, mission_mex, focal_mex
):
    """The deadline is ahead but the session was closed early (or taken back to draft): the public way in says
    closed, with the very words the service refuses with (one rule: registration_window)."""
    session = make_session(registration_deadline=NOW + timedelta(days=5), status=status)
    way = participation.delegation_way_in(session, now=NOW)
    assert (way.state, way.status, way.action, way.url) == ("closed", message, "", "")
    with pytest.raises(ValidationError) as refused:
        services.registration_start(session=session, mission=mission_mex, by=focal_mex)
    assert refused.value.messages == [message]


def test_stakeholders_apply_in_the_window_and_see_the_list_once_published(make_dialogue):
    dialogue = make_dialogue(allocation="draw")
    dialogue.applications_open_at = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    dialogue.applications_close_at = datetime(2030, 4, 10, 18, 0, tzinfo=UTC)

    way = participation.dialogue_way_in(dialogue, now=NOW)
    assert (way.state, way.status, way.action, way.url) == (
        "open",
        "Applications open until 10 April 2030, 18:00 UTC.",
        "Apply to speak in the informal dialogue",
        reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk}),
    )
    assert way.how == (
        "Accredited organizations apply to speak in the informal dialogue (Tuesday 7 May 2030, 09:00–09:50): "
        "15 speaking slots of 3 minutes; the slots are drawn at the deadline."
    )

    before = participation.dialogue_way_in(dialogue, now=datetime(2030, 2, 1, tzinfo=UTC))
    assert (before.state, before.status, before.url) == (
        "upcoming",
        "Applications open on 1 March 2030, 09:00 UTC.",
        "",
    )

    after = participation.dialogue_way_in(dialogue, now=datetime(2030, 4, 11, tzinfo=UTC))
    assert (after.state, after.status, after.url) == ("closed", "Applications closed on 10 April 2030, 18:00 UTC.", "")

    dialogue.is_published = True
    published = participation.dialogue_way_in(dialogue, now=datetime(2030, 4, 11, tzinfo=UTC))
    assert (published.state, published.status, published.url) == (
        "closed",
        "The list of speakers is published.",
        reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug}),
    )


def test_ways_in_of_several_sessions_in_one_query(make_dialogue, make_session, django_assert_num_queries):
    with_dialogue = make_dialogue().session
    without = make_session(registration_deadline=NOW + timedelta(days=3))
    with django_assert_num_queries(1):
        ways = participation.ways_in([with_dialogue, without], now=NOW)
    assert {pk: [way.key for way in items] for pk, items in ways.items()} == {
        with_dialogue.pk: ["delegations", "dialogue"],
        without.pk: ["delegations"],
    }


def test_home_page_shows_each_sessions_state_and_the_ways_in(client, make_dialogue, make_session):
    from django.utils import timezone

    deadline = timezone.now() + timedelta(days=10)
    dialogue = make_dialogue(session=make_session(title="With a dialogue", registration_deadline=deadline))
    make_session(title="Not open yet")
    make_session(title="Already held", status=ThematicSession.Status.CLOSED)
    response = client.get(reverse("sessions:list"))
    page = response.content.decode()
    assert page.count("Register your delegation") == 1
    assert page.count("Apply to speak in the informal dialogue") == 1
    assert f'href="{reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})}"' in page
    assert "Registration has not opened yet: the secretariat has not set a deadline." in page
    assert f'href="{reverse("account_signup")}"' in page


def test_session_page_says_how_each_audience_takes_part_and_by_when(client, make_dialogue):
    dialogue = make_dialogue()
    session = dialogue.session
    session.registration_deadline = datetime(2030, 4, 20, 18, 0, tzinfo=UTC)
    session.save()
    response = client.get(session.get_absolute_url())
    ways = response.context["ways_in"]
    assert [(way.key, way.action) for way in ways] == [
        ("delegations", "Register your delegation"),
        ("dialogue", "Apply to speak in the informal dialogue"),
    ]
    page = response.content.decode()
    assert "How to take part" in page
    assert "Not accredited yet? Register your organization" in page


def test_dialogue_page_before_publication_says_how_to_apply(client, make_dialogue):
    dialogue = make_dialogue()
    page = client.get(reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug}))
    content = page.content.decode()
    assert "has not been published yet" in content
    assert f'href="{reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})}"' in content


def test_applying_without_an_organization_leads_to_the_stakeholders_area(client, make_dialogue, django_user_model):
    dialogue = make_dialogue()
    client.force_login(django_user_model.objects.create_user("new@example.org", "new@example.org", "pw"))
    response = client.get(reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:stakeholder_home")
