"""The portal in the six languages, in headless Chromium: the language switch keeps the page and sets `lang` and
`dir`; the choice is remembered; a delegation is registered in French and in Arabic, and the e-mails follow."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from registrations.models import DelegationRegistration
from tests.registrations.conftest import pdf_bytes
from tests.registrations.test_accessibility import _logged_in_context
from tests.registrations.test_browser import browser  # noqa: F401 - the fixture


@pytest.mark.browser
def test_language_switch_keeps_the_page_sets_lang_and_dir_and_is_remembered(
    browser,  # noqa: F811
    live_server,
    demo_session,
):
    page = browser.new_page()
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/en/")
    page.goto(f"{live_server.url}/en/sessions/{demo_session.slug}/")
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == ("en", "ltr")

    for name, code, direction, heading in [
        ("العربية", "ar", "rtl", "البرنامج"),
        ("中文", "zh-hans", "ltr", "方案"),
        ("Français", "fr", "ltr", "Programme"),
        ("Русский", "ru", "ltr", "Программа"),
        ("Español", "es", "ltr", "Programa"),
        ("English", "en", "ltr", "Programme"),
    ]:
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(f"{live_server.url}/{code}/sessions/{demo_session.slug}/")
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (code, direction)
        assert page.locator("#programme-heading").inner_text() == heading
        current = page.locator(".current-language")
        assert (current.inner_text(), current.get_attribute("aria-current")) == (name, "true")

    # The choice is remembered: the bare address leads to the last language chosen.
    page.get_by_role("link", name="Русский", exact=True).click()
    page.wait_for_url(f"{live_server.url}/ru/sessions/{demo_session.slug}/")
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/ru/")
    assert page.locator("h1").inner_text() == "Заседания"
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "register", "submit", "submitted", "subject"),
    [
        (
            "fr",
            "Inscrire la délégation à la session {code}",
            "Enregistrer et soumettre au secrétariat",
            "Soumise",
            "{code}, délégation (Mexique) : inscription reçue",
        ),
        (
            "ar",
            "تسجيل الوفد في {code}",
            "حفظ وتقديم إلى الأمانة",
            "مقدَّم",
            "{code}، وفد المكسيك: تم استلام التسجيل",
        ),
    ],
)
def test_focal_point_registers_the_delegation_in_french_or_arabic(
    browser,  # noqa: F811
    live_server,
    make_session,
    mission_mex,
    focal_mex,
    tmp_path,
    language,
    register,
    submit,
    submitted,
    subject,
):
    state = mission_mex.state
    state.name_fr, state.name_ar = "Mexique", "المكسيك"
    state.save()
    session = make_session(registration_deadline=timezone.now() + timedelta(days=10))
    note_verbale = tmp_path / "note-verbale.pdf"
    note_verbale.write_bytes(pdf_bytes())
    page = _logged_in_context(browser, live_server, focal_mex).new_page()

    page.goto(f"{live_server.url}/{language}/delegation/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.get_by_role("button", name=register.format(code=session.code)).click()
    page.wait_for_url(re.compile(rf"/{language}/delegation/registrations/\d+/edit/$"))
    page.locator("#id_head-honorific").fill("H.E. Mr.")
    page.locator("#id_head-given_name").fill("Juan José")
    page.locator("#id_head-family_name").fill("Gómez-Camacho")
    page.locator("#id_head-function").fill("Ambassador and Permanent Representative")
    page.locator("#id_note_verbale").set_input_files(str(note_verbale))
    page.get_by_role("button", name=submit).click()
    page.wait_for_url(re.compile(rf"/{language}/delegation/registrations/\d+/$"))

    assert page.locator("#registration-status").inner_text() == submitted
    registration = DelegationRegistration.objects.get()
    assert (registration.status, registration.language) == ("submitted", language)
    assert [m.subject for m in mail.outbox] == [subject.format(code=session.code)]
    with translation.override(language):
        assert f"/{language}/delegation/registrations/{registration.pk}/" in mail.outbox[0].body
    page.close()
