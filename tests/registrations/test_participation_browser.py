"""In headless Chromium: a stakeholder goes from the sixth session's page to the dialogue application in at most
two clicks (the way in, then the sign-in form's button)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.registrations.test_browser import browser  # noqa: F401 - the fixture
from tests.registrations.test_stakeholder_browser import PASSWORD


@pytest.mark.browser
def test_stakeholder_reaches_the_dialogue_application_from_the_session_page_in_two_clicks(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    demo_session,
    make_organization,
):
    from registrations.models import Dialogue
    from sessions.models import AgendaItem

    now = timezone.now()
    dialogue = Dialogue.objects.create(
        session=demo_session,
        item=demo_session.agenda_items.get(kind=AgendaItem.Kind.STAKEHOLDER_DIALOGUE),
        chair_minutes=5,
        minutes_per_statement=3,
        allocation=Dialogue.Allocation.DRAW,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=20),
    )
    organization = make_organization(name="Migrant Rights Network")
    page = browser.new_page()
    page.goto(f"{live_server.url}{demo_session.get_absolute_url()}")

    clicks = 0
    page.get_by_role("link", name="Apply to speak in the informal dialogue").click()
    clicks += 1
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email").fill(organization.focal_point.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    clicks += 1

    page.wait_for_url(f"**/stakeholders/dialogues/{dialogue.pk}/apply/")
    assert page.locator('[name="speaker_name"]').is_visible()
    assert clicks <= 2
