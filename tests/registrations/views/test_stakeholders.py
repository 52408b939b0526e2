"""The stakeholders' application for a speaking slot through the browser's requests: what a burst of them costs the
database (a constant number of queries, whatever the applications already in), and that the rules still hold."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.models import SlotApplication

# The form: session, user, dialogue, organization, the session's panels, the header's areas.
FORM_QUERIES = 6
# The POST: session, user, dialogue, organization, panels; then, in one transaction (a savepoint in tests): the
# dialogue locked, its arrival counter, its lists counted in one query, the application, its event, and the audit
# entry (chain head locked, entry, head moved on).
POST_QUERIES = 16


def application(dialogue) -> dict:
    theme = dialogue.session.agenda_items.get(kind="panel")
    return {
        "speaker_name": "Amina Mensah",
        "speaker_function": "Director",
        "speaker_email": "",
        "theme": theme.pk,
        "summary": "What the parties can do for climate mobility this session.",
    }


def apply_counting(client, dialogue, organization) -> tuple[int, int]:
    url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    client.force_login(organization.focal_point)
    with CaptureQueriesContext(connection) as form:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as post:
        response = client.post(url, application(dialogue))
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(form), len(post)


@pytest.fixture
def counted(db):
    ContentType.objects.get_for_model(SlotApplication)  # read once per process in production


def test_an_application_costs_the_same_queries_for_the_first_and_the_thirtieth(
    client, counted, make_dialogue, make_organization, apply_for
):
    dialogue = make_dialogue()
    assert apply_counting(client, dialogue, make_organization()) == (FORM_QUERIES, POST_QUERIES)
    for _ in range(28):  # past the 15 slots: the next ones are wait-listed
        apply_for(dialogue, make_organization())
    assert apply_counting(client, dialogue, make_organization()) == (FORM_QUERIES, POST_QUERIES)
    last = SlotApplication.objects.get(sequence=30)
    assert (last.status, last.position) == (SlotApplication.Status.WAITLISTED, 15)


def test_a_second_application_of_the_organization_is_refused_and_leaves_no_gap(
    client, make_dialogue, make_organization
):
    dialogue = make_dialogue()
    first, second = make_organization(), make_organization()
    url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    client.force_login(first.focal_point)
    assert client.post(url, application(dialogue)).status_code == 302
    page = client.post(url, application(dialogue), follow=True).content.decode()
    assert f"{first.name} has already applied for this dialogue." in page
    client.force_login(second.focal_point)
    assert client.post(url, application(dialogue)).status_code == 302
    assert sorted(SlotApplication.objects.values_list("sequence", flat=True)) == [1, 2]


def test_a_theme_of_another_session_is_refused(client, make_dialogue, make_organization):
    dialogue, other = make_dialogue(), make_dialogue()
    organization = make_organization()
    client.force_login(organization.focal_point)
    url = reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})
    response = client.post(url, application(other))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not SlotApplication.objects.exists()
