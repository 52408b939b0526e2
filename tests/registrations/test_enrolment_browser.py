"""A staff member sets up the authenticator app in a real browser: the QR code is there to scan."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.registrations.test_browser import browser  # noqa: F401 - the fixture

PASSWORD = "a-long-pass-phrase-2017"


@pytest.mark.browser
def test_the_secretariat_sees_the_authenticator_apps_qr_code_drawn(
    live_server,
    transactional_db,
    secretariat_user,
    settings,
    browser,  # noqa: F811 - the fixture imported above
):
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    secretariat_user.set_password(PASSWORD)
    secretariat_user.save()
    EmailAddress.objects.create(user=secretariat_user, email=secretariat_user.email, verified=True, primary=True)

    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("Email").fill(secretariat_user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/reauthenticate/**")  # the admin sends staff without TOTP to set it up
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.wait_for_url("**" + reverse("mfa_activate_totp"))

    qr = page.locator("main img").first
    qr.wait_for()
    # An SVG image the browser cannot read is 0 × 0 and shows its alternative text (the secret) instead.
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 100
