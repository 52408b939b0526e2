"""The public list of the dialogue's speakers is cached (sessions.public_cache) and changes at once."""

import pytest
from django.urls import reverse

from registrations.services import dialogue as dialogue_services
from sessions.models import ThematicSession

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


@pytest.fixture
def published(make_dialogue, make_organization, apply_for, secretariat_user):
    dialogue = make_dialogue()
    applications = [apply_for(dialogue, make_organization(name=f"Coastal Network {n}")) for n in (1, 2)]
    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user)
    return dialogue, applications


def test_the_cached_list_of_speakers_costs_one_query(client, published, django_assert_num_queries):
    dialogue, _ = published
    url = reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug})
    first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)
    assert _main(again) == _main(first)
    assert "Coastal Network 2" in _main(first)


def test_a_declined_speaker_leaves_the_published_list_at_once(client, published, secretariat_user):
    dialogue, applications = published
    url = reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug})
    assert ["Coastal Network 1" in _main(client.get(url)), "Coastal Network 2" in _main(client.get(url))] == [
        True,
        True,
    ]
    dialogue_services.application_decline(application=applications[0], by=secretariat_user, reason="Withdrawn.")
    page = _main(client.get(url))
    assert ("Coastal Network 1" in page, "Coastal Network 2" in page) == (False, True)


def test_publishing_and_withdrawing_the_list_show_at_once(client, published, secretariat_user):
    dialogue, _ = published
    url = reverse("registrations:dialogue_speakers", kwargs={"slug": dialogue.session.slug})
    assert "Coastal Network 1" in _main(client.get(url))
    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user, published=False)
    assert "Coastal Network 1" not in _main(client.get(url))


def test_applications_to_an_unpublished_dialogue_leave_the_cache_alone(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue(allocation="draw")
    version = ThematicSession.objects.get(pk=dialogue.session_id).public_version
    for _ in range(3):
        apply_for(dialogue, make_organization())
    assert ThematicSession.objects.get(pk=dialogue.session_id).public_version == version
