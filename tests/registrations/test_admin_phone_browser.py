"""In headless Chromium at 390 px: the admin's desk, the participants page, a dispatch's page and the board of
answers never scroll sideways; a wide table scrolls inside its own box."""

import pytest

from tests.registrations.test_browser import browser  # noqa: F401 - the fixture
from tests.registrations.test_tables_browser import _signed_in

WIDTH = 390


@pytest.mark.browser
def test_admin_pages_fit_a_phone_and_tables_scroll_in_their_own_box(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    demo,
    secretariat_user,
    cofacilitator_user,
):
    from invitations.demo import demo_letters_load
    from sessions.models import ThematicSession
    from tests.invitations.test_admin import _dispatch_with

    session = ThematicSession.objects.get(slug="gcm-its-6")
    letter = demo_letters_load(session=session)[0]
    dispatch = _dispatch_with(letter, cofacilitator_user, ["sent", "sent", "failed", "queued"])
    pages = {
        secretariat_user: ["/admin/", "/admin/registrations/generateddocument/participants/gcm-its-6/"],
        cofacilitator_user: [
            "/admin/",
            f"/admin/invitations/dispatch/{dispatch.pk}/change/",
            f"/admin/registrations/missionanswer/?session={session.pk}",
        ],
    }
    widths = {}
    for user, paths in pages.items():
        page = _signed_in(browser, live_server, user, WIDTH)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            widths[(user.email, path)] = page.evaluate("document.scrollingElement.scrollWidth")
        page.context.close()
    assert widths == dict.fromkeys(widths, WIDTH)
