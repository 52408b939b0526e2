"""In headless Chromium: the secretariat opens /admin/ and reaches a submitted registration from the desk in one
click."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.registrations.test_browser import PASSWORD
from tests.registrations.test_browser import browser as chromium  # noqa: F401 - the fixture


@pytest.mark.browser
def test_secretariat_reaches_a_submitted_registration_from_the_desk_in_one_click(
    live_server, transactional_db, chromium, make_session, mission_mex, focal_mex, make_registration,  # noqa: F811 - the imported fixture
    django_user_model,
):  # fmt: skip
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from compact_portal import roles

    session = make_session(title="Irregular migration", registration_deadline=timezone.now() + timedelta(days=10))
    registration = make_registration(session=session, mission=mission_mex, focal_point=focal_mex, status="submitted")
    secretariat = django_user_model.objects.create_user("sec@example.org", "sec@example.org", PASSWORD, is_staff=True)
    secretariat.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    EmailAddress.objects.create(user=secretariat, email=secretariat.email, verified=True, primary=True)
    url = live_server.url

    page = chromium.new_context().new_page()
    page.goto(f"{url}/admin/")
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email").fill("sec@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{url}/admin/")
    assert page.get_by_role("heading", level=1).inner_text() == "Secretariat desk"
    awaiting = page.locator("#desk-awaiting")
    count = awaiting.get_by_role("link", name=f"1: Registrations submitted, ITS{session.number}: Irregular migration")
    assert count.inner_text() == "1"

    awaiting.get_by_role("link", name="Mexico").click()  # one click
    page.wait_for_url(f"{url}/admin/registrations/delegationregistration/{registration.pk}/change/")
    assert page.get_by_role("heading", level=1).inner_text() == "Change delegation registration"
    assert "Submitted" in page.locator(".field-status").inner_text()
