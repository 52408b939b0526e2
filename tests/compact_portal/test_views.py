"""The language switch (a link to the same page in another language that remembers the choice), and the error pages."""

import pytest
from django.conf import settings
from django.test import Client

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


# --- Error pages ---------------------------------------------------------------------------------------------------


def test_a_missing_page_is_explained_in_the_portals_frame_and_the_pages_language(client):
    response = client.get("/fr/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr" dir="ltr">' in page and "<h1>Page introuvable</h1>" in page
    assert 'hreflang="ar"' in page  # the frame: the language switch, the menu, the footer
    assert 'href="/fr/"' in page


def test_a_form_sent_from_a_page_of_an_earlier_session_says_nothing_was_saved_and_what_to_do(django_user_model):
    user = django_user_model.objects.create_user("someone@example.org", "someone@example.org", "pw-123456789")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/en/")  # the CSRF cookie of this session
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32  # the token another session's page carried

    response = client.post("/en/accounts/logout/", {"csrfmiddlewaretoken": "y" * 32})
    page = response.content.decode()

    assert response.status_code == 403
    assert "<h1>The form could not be sent</h1>" in page and "Nothing was saved." in page
    assert "reload the page and send the form again" in page
    assert "refuse this site&#x27;s cookies" not in page
    assert client.get("/en/accounts/email/").status_code == 200  # still signed in: the sign-out was refused


def test_a_form_refused_for_want_of_cookies_says_so_in_arabic():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/ar/accounts/login/", {"login": "a@example.org", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h1>تعذر إرسال الاستمارة</h1>" in page
    assert "ملفات تعريف الارتباط" in page  # the browser refuses cookies


@pytest.mark.urls("tests.compact_portal.error_urls")
def test_a_refused_page_offers_to_sign_in(client):
    page = client.get("/es/test-errors/forbidden/")
    assert page.status_code == 403
    assert "<h1>Acceso denegado</h1>" in page.content.decode()
    assert 'href="/es/accounts/login/?next=/es/test-errors/forbidden/"' in page.content.decode()


@pytest.mark.urls("tests.compact_portal.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [("/zh-hans/test-errors/broken/", 500, "出现错误"), ("/ru/test-errors/suspicious/", 400, "Неверный запрос")],
)
def test_a_server_error_or_bad_request_is_explained_without_the_request_in_the_pages_language(
    client, settings, path, status, heading
):
    client.raise_request_exception = False
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in page
    assert settings.SECRETARIAT_CONTACT_EMAIL in page
