"""The co-facilitators' board of answers in headless Chromium, at a desktop's width."""

import pytest

from tests.registrations.test_browser import browser  # noqa: F401 - the fixture
from tests.registrations.test_tables_browser import _signed_in


@pytest.mark.browser
def test_the_board_fits_a_desktop_screen(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    demo_session,
    cofacilitator_user,
):
    # The session picker was as wide as the sixth session's title: the page scrolled 134 px sideways at 1280 px.
    page = _signed_in(browser, live_server, cofacilitator_user, 1280)
    page.goto(f"{live_server.url}/admin/registrations/missionanswer/?session={demo_session.pk}")
    assert page.locator("h1").inner_text() == f"Board of answers: {demo_session.code}"
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
