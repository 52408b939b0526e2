"""WCAG 2.1 AA, checked by axe-core (the npm package, installed by `make test`'s `npm ci`) in headless Chromium:
no serious or critical violation on the public pages, sign-up, login and the registration form, in English and in
Arabic (right to left). Plus what axe cannot judge alone: one h1 per page, the page at a phone's width and at 200%
zoom without sideways scrolling."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.conftest import IN_CI
from tests.registrations.test_browser import browser  # noqa: F401 - the fixture

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["en", "ar"]


@pytest.fixture
def axe_path():
    if not AXE.exists():
        message = f"{AXE} is missing (make test runs npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return str(AXE)


def _url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def axe_violations(page, axe_path) -> list[str]:
    """Serious and critical violations on the page, one line each: rule, impact, the elements' selectors."""
    page.add_script_tag(path=axe_path)
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA,
    )
    assert results["testEngine"]["version"].startswith("4.")
    assert len(results["passes"]) > 5  # axe did check the page
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _logged_in_context(browser, live_server, user):  # noqa: F811
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def _check(page, url, axe_path, language):
    response = page.goto(url)
    assert response.status == 200, url
    direction = "rtl" if language == "ar" else "ltr"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("h1").count() == 1, url
    assert axe_violations(page, axe_path) == [], url


@pytest.mark.browser
def test_axe_reports_what_it_should(browser, axe_path):  # noqa: F811
    """The check can fail: an unlabelled field, an image without text and grey on grey are reported."""
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<input type="text"><img src="x.png"><p style="color:#ccc;background:#ddd">faint</p></main></body></html>'
    )
    found = {line.split(" ")[0] for line in axe_violations(page, axe_path)}
    assert {"label", "image-alt", "color-contrast"} <= found
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_and_account_pages_have_no_serious_violations(
    browser,  # noqa: F811
    live_server,
    demo_session,
    axe_path,
    language,
):
    page = browser.new_page()
    for url in [
        _url("sessions:list", language),
        _url("sessions:detail", language, slug=demo_session.slug),
        _url("registrations:session_speakers", language, slug=demo_session.slug),
        _url("account_signup", language),
        _url("account_login", language),
    ]:
        _check(page, live_server.url + url, axe_path, language)
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_delegates_pages_and_registration_form_have_no_serious_violations(
    browser,  # noqa: F811
    live_server,
    open_session,
    mission_mex,
    focal_mex,
    make_registration,
    axe_path,
    language,
):
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    page = _logged_in_context(browser, live_server, focal_mex).new_page()
    for url in [
        _url("registrations:home", language),
        _url("registrations:detail", language, pk=registration.pk),
        _url("registrations:edit", language, pk=registration.pk),
    ]:
        _check(page, live_server.url + url, axe_path, language)
    # The form with errors: each error is tied to its field.
    page.goto(live_server.url + _url("registrations:edit", language, pk=registration.pk))
    page.locator("#id_head-family_name").fill("")
    page.locator("#id_head-function").fill("")
    page.locator("button[name=save]").click()
    family_name = page.locator("#id_head-family_name")
    assert family_name.get_attribute("aria-invalid") == "true"
    error_id = family_name.get_attribute("aria-describedby")
    assert page.locator(f"#{error_id}").inner_text().strip() != ""
    assert axe_violations(page, axe_path) == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize(("language", "zoom"), [("en", 1), ("ar", 1), ("zh-hans", 1), ("ar", 2), ("ru", 2)])
def test_pages_need_no_sideways_scrolling_on_a_phone_or_at_200_percent(
    browser,  # noqa: F811
    live_server,
    demo_session,
    open_session,
    mission_mex,
    focal_mex,
    make_registration,
    language,
    zoom,
):
    """WCAG 1.4.10 (reflow): nothing wider than a 320px screen; at 200% zoom a 640px window shows 320 CSS pixels,
    which the page renders at 2x."""
    registration = make_registration(session=open_session, mission=mission_mex, focal_point=focal_mex)
    context = _logged_in_context(browser, live_server, focal_mex)
    page = context.new_page()
    page.set_viewport_size({"width": 320 * zoom, "height": 900})
    if zoom != 1:
        page.evaluate("document.documentElement.style.zoom = '2'")
    for url in [
        _url("sessions:list", language),
        _url("sessions:detail", language, slug=demo_session.slug),
        _url("account_login", language),
        _url("registrations:home", language),
        _url("registrations:edit", language, pk=registration.pk),
    ]:
        page.goto(live_server.url + url)
        if zoom != 1:
            page.evaluate("document.documentElement.style.zoom = '2'")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, url
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_stakeholder_pages_and_dialogue_application_form_have_no_serious_violations(
    browser,  # noqa: F811
    live_server,
    make_dialogue,
    make_organization,
    axe_path,
    language,
):
    dialogue = make_dialogue()
    organization = make_organization(name="Red Mesoamericana de Migrantes")
    page = _logged_in_context(browser, live_server, organization.focal_point).new_page()
    for url in [
        _url("registrations:stakeholder_home", language),
        _url("registrations:apply", language, dialogue_pk=dialogue.pk),
        _url("registrations:organization_register", language),
        _url("registrations:dialogue_speakers", language, slug=dialogue.session.slug),
    ]:
        _check(page, live_server.url + url, axe_path, language)
    # The application form with errors: each error is tied to its field.
    page.goto(live_server.url + _url("registrations:apply", language, dialogue_pk=dialogue.pk))
    page.locator("form button[type=submit]").last.click()
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1
    for index in range(invalid.count()):
        described_by = invalid.nth(index).get_attribute("aria-describedby") or ""
        assert any(page.locator(f"#{i}").count() for i in described_by.split()), described_by
    assert axe_violations(page, axe_path) == []
    page.close()
