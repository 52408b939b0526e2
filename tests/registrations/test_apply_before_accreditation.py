"""An organization whose accreditation is not decided is told so up front, with what happens next, on the
application page and on the session page (per user, outside the cached page), and is shown no form."""

import pytest
from django.urls import reverse
from django.utils import translation

from registrations.models import Organization, SlotApplication

pytestmark = pytest.mark.django_db


NOT_YET = (
    '<bdi translate="no">Red Mesoamericana</bdi> is not accredited yet: it can apply for a speaking slot once it is.'
)


def apply_url(dialogue):
    return reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk})


def test_an_organization_awaiting_non_objection_is_told_before_any_form(client, make_dialogue, make_organization):
    dialogue = make_dialogue()
    organization = make_organization(name="Red Mesoamericana", ecosoc_status="none", accredited=False)
    client.force_login(organization.focal_point)
    page = client.get(apply_url(dialogue)).content.decode()
    assert NOT_YET in page
    assert "if no Member State objects by the list's deadline, it is accredited." in page
    assert 'name="speaker_name"' not in page
    assert 'type="submit">Apply<' not in page


def test_an_organization_on_a_list_or_awaiting_its_ecosoc_check_is_told_what_comes_next(
    client, make_dialogue, make_organization
):
    dialogue = make_dialogue()
    organization = make_organization(name="Migrant Voices", ecosoc_status="special", accredited=False)
    client.force_login(organization.focal_point)
    assert "The secretariat confirms the ECOSOC status, then the organization is accredited." in (
        client.get(apply_url(dialogue)).content.decode()
    )
    Organization.objects.filter(pk=organization.pk).update(accreditation="on_list")
    assert "It is on a list that Member States consider on a non-objection basis" in (
        client.get(apply_url(dialogue)).content.decode()
    )


def test_a_post_before_accreditation_records_nothing(client, make_dialogue, make_organization):
    dialogue = make_dialogue()
    organization = make_organization(accredited=False)
    client.force_login(organization.focal_point)
    data = {"speaker_name": "Ana", "speaker_function": "Director", "summary": "Pathways."}
    response = client.post(apply_url(dialogue), data)
    assert response.status_code == 200
    assert 'id="not-accredited"' in response.content.decode()
    assert SlotApplication.objects.count() == 0


def test_an_accredited_organization_still_gets_the_form(client, make_dialogue, make_organization):
    dialogue = make_dialogue()
    organization = make_organization()
    client.force_login(organization.focal_point)
    page = client.get(apply_url(dialogue)).content.decode()
    assert 'name="speaker_name"' in page
    assert 'id="not-accredited"' not in page


def test_the_notice_is_in_french(client, make_dialogue, make_organization):
    dialogue = make_dialogue()
    organization = make_organization(name="Red Mesoamericana", ecosoc_status="none", accredited=False)
    client.force_login(organization.focal_point)
    with translation.override("fr"):
        url = apply_url(dialogue)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<bdi translate="no">Red Mesoamericana</bdi> n’est pas encore accréditée' in page
    assert 'name="speaker_name"' not in page


def test_the_session_page_tells_the_waiting_stakeholder_and_nobody_else_though_it_is_cached(
    client, make_dialogue, make_organization
):
    dialogue = make_dialogue()
    url = dialogue.session.get_absolute_url()
    waiting = make_organization(name="Red Mesoamericana", ecosoc_status="none", accredited=False)
    accredited = make_organization(name="Accredited Network")
    assert 'id="not-accredited"' not in client.get(url).content.decode()  # fills the cache, anonymously
    client.force_login(waiting.focal_point)
    page = client.get(url).content.decode()
    assert NOT_YET in page
    client.force_login(accredited.focal_point)
    assert 'id="not-accredited"' not in client.get(url).content.decode()
