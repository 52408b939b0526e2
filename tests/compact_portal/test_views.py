"""The language switch: a link to the same page in another language that remembers the choice."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_switch_leads_to_the_same_page_in_the_language_and_remembers_it(client, make_session):
    session = make_session()
    response = client.get(f"/i18n/fr/?next=/en/sessions/{session.slug}/")
    assert (response.status_code, response["Location"]) == (302, f"/fr/sessions/{session.slug}/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert "no-store" in response["Cache-Control"]
    # The bare address leads to the language chosen.
    assert client.get("/")["Location"] == "/fr/"


def test_the_switch_keeps_the_query_string(client):
    response = client.get("/i18n/ar/?next=/en/%3Fpage%3D2")
    assert response["Location"] == "/ar/?page=2"


def test_another_site_cannot_change_the_remembered_language(client):
    response = client.get("/i18n/ru/?next=/en/", headers={"Sec-Fetch-Site": "cross-site"})
    assert (response.status_code, response["Location"]) == (302, "/ru/")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_leads_only_to_this_site_and_only_to_official_languages(client):
    assert client.get("/i18n/fr/?next=https://elsewhere.example.org/")["Location"] == "/"
    assert client.get("/i18n/de/?next=/en/").status_code == 404


def test_every_page_links_itself_in_the_other_languages(client, make_session):
    session = make_session()
    page = client.get(f"/es/sessions/{session.slug}/").content.decode()
    assert f'<a href="/i18n/fr/?next=%2Fes%2Fsessions%2F{session.slug}%2F" hreflang="fr" lang="fr">Français</a>' in page
    assert '<span class="current-language" lang="es" aria-current="true">Español</span>' in page
    assert "csrfmiddlewaretoken" not in page
