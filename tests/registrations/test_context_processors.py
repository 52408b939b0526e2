"""The header's menu by role, and each role's landing page titled for what it is."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menu(page: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", nav, re.S)]


def test_anonymous_visitors_can_sign_in_or_sign_up(client):
    assert _menu(client.get(reverse("sessions:list")).content.decode()) == ["Sessions", "Sign in", "Sign up"]


def test_focal_point_of_a_mission_has_my_delegation(client, focal_mex):
    client.force_login(focal_mex)
    response = client.get(reverse("registrations:home"))
    assert _menu(response.content.decode()) == ["Sessions", "My delegation", "Account", "Sign out"]
    assert "<h1>My delegation</h1>" in response.content.decode()


def test_stakeholder_has_my_organization_and_lands_there(client, make_organization):
    organization = make_organization(name="Migrant Rights Network")
    client.force_login(organization.focal_point)
    response = client.get(reverse("registrations:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:stakeholder_home")
    page = client.get(response["Location"]).content.decode()
    assert _menu(page) == ["Sessions", "My organization", "Account", "Sign out"]
    assert "<h1>My organization</h1>" in page
    assert "My delegation" not in page


def test_new_account_sees_both_doors(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("new@example.org", "new@example.org", "pw"))
    page = client.get(reverse("registrations:home")).content.decode()
    assert _menu(page) == ["Sessions", "Delegations", "Stakeholders", "Account", "Sign out"]
    assert "<h1>Delegations</h1>" in page
