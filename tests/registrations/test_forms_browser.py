"""In headless Chromium, with JavaScript: "Add another member" adds blank members in the page, numbered so that the
formset saves them all."""

import pytest

from registrations import services
from tests.registrations.test_browser import browser  # noqa: F401 - the fixture
from tests.registrations.test_tables_browser import _signed_in


@pytest.mark.browser
def test_members_added_in_the_page_are_all_saved(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    open_session,
    mission_mex,
    focal_mex,
):
    registration = services.registration_start(session=open_session, mission=mission_mex, by=focal_mex)
    page = _signed_in(browser, live_server, focal_mex, 1280)
    page.goto(f"{live_server.url}/en/delegation/registrations/{registration.pk}/edit/")
    head = page.get_by_role("group", name="Head of delegation")
    head.get_by_label("Family name").fill("Gómez-Camacho")
    head.get_by_label("Function or title").fill("Ambassador")
    names = ["Pérez", "López", "Díaz"]
    for index, name in enumerate(names):
        if index:
            page.get_by_role("button", name="Add another member").click()
        page.locator(f'[name="members-{index}-family_name"]').fill(name)
        page.locator(f'[name="members-{index}-function"]').fill("Counsellor")
    assert page.url.endswith("/edit/")  # no round trip: the page added them
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"**/delegation/registrations/{registration.pk}/")
    assert [m.family_name for m in registration.members.order_by("is_head", "order", "id")] == [*names, "Gómez-Camacho"]


@pytest.mark.browser
def test_form_fields_fit_a_phone_screen(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    make_dialogue,
    make_organization,
):
    # A field as wide as the page plus its padding and border pushed the page 2 px sideways at 390 px (the
    # statement's summary on the dialogue application, in French).
    dialogue = make_dialogue()
    organization = make_organization(name="Red Mesoamericana de Migrantes")
    page = _signed_in(browser, live_server, organization.focal_point, 390)
    for path in [f"/fr/stakeholders/dialogues/{dialogue.pk}/apply/", "/fr/stakeholders/organization/register/"]:
        page.goto(f"{live_server.url}{path}")
        too_wide = page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(field => field.getBoundingClientRect().right > document.documentElement.clientWidth)
                .map(field => field.name)"""
        )
        assert (path, too_wide, page.evaluate("document.documentElement.scrollWidth")) == (path, [], 390)
