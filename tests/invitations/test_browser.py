"""From the letter to the registration, in headless Chromium, with no superuser and no shell: the co-facilitator sends
the sixth session's letter to all Member States through a real SMTP server and a real Celery worker; Ghana's mission
(no focal point in the demo) follows the link in its e-mail, signs up with the address the letter went to, confirms
it from the captured e-mail, registers its delegation with a note verbale and submits it; the secretariat approves
it; the board shows Ghana approved. Another address following Ghana's link ends with a pending request."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from invitations import selectors
from invitations.demo import demo_letters_load
from invitations.models import Dispatch
from invitations.tasks import deliver  # noqa: F401 - the app's configuration is read before the test points it at Redis
from registrations.demo import demo_missions_load
from registrations.models import DelegationRegistration, FocalPointRequest, Profile
from tests.registrations.conftest import pdf_bytes
from tests.registrations.test_browser import PASSWORD, browser  # noqa: F401 - the Chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.timeout(900)]

GHANA = "pm.gha@missions.example.org"


def _staff(django_user_model, email, role):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(email, email, PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _sign_in(page, url, email):
    page.goto(f"{url}/admin/")
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{url}/admin/")


def _wait_until_sent(dispatch, *, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = selectors.dispatch_progress(dispatch)
        if progress["done"]:
            return progress
        time.sleep(0.2)
    pytest.fail(f"dispatch not done after {seconds} s: {selectors.dispatch_progress(dispatch)}")


def _wait_for_message(smtp_server, address: str, *, containing: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in smtp_server.to(address) if containing in m.get_body(("plain",)).get_content()]
        if found:
            return found[-1].get_body(("plain",)).get_content()
        time.sleep(0.2)
    pytest.fail(f"no message to {address} containing {containing!r}")


def _sign_up_from_link(page, link: str, *, email: str | None, smtp_server):
    """Follows the letter's link as a visitor, creates an account (the letter's address, pre-filled, unless
    `email`), confirms it from the captured e-mail and returns where the portal then leads."""
    page.goto(link)
    page.get_by_role("link", name="Create an account").click()
    page.wait_for_url("**/accounts/signup/**")
    address = page.get_by_label("Email")
    assert address.input_value() == GHANA  # pre-filled with the address the letter went to
    if email:
        address.fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    body = _wait_for_message(smtp_server, email or GHANA, containing="/accounts/confirm-email/")
    confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm").click()


def test_ghana_follows_its_letters_link_registers_and_the_board_shows_it_approved(
    live_server,
    transactional_db,
    reference_data,
    demo_session,
    django_user_model,
    smtp_server,
    celery_worker,
    browser,  # noqa: F811
    tmp_path,
    settings,
):
    url = live_server.url
    settings.PORTAL_BASE_URL = url
    demo_missions_load()
    letter = demo_letters_load(session=demo_session)[0]
    demo_session.registration_deadline = timezone.now() + timedelta(days=10)
    demo_session.save()
    assert not Profile.objects.filter(mission__state__iso3="GHA").exists()
    _staff(django_user_model, "cofac@example.org", "Co-facilitators")
    _staff(django_user_model, "sec@example.org", "Secretariat")
    note_verbale = tmp_path / "note-verbale-ghana.pdf"
    note_verbale.write_bytes(pdf_bytes())

    # The co-facilitator sends the letter to all Member States.
    cofac = browser.new_context().new_page()
    _sign_in(cofac, url, "cofac@example.org")
    cofac.goto(f"{url}/admin/invitations/letter/{letter.pk}/send/")
    cofac.get_by_label("All Member States' missions").check()
    cofac.get_by_role("button", name="Review the recipients").click()
    cofac.get_by_role("button", name="Send to 193 addresses").click()
    dispatch = Dispatch.objects.get()
    assert _wait_until_sent(dispatch, seconds=600)["sent"] == 193

    # Ghana's mission follows the link in its e-mail, signs up with that address and lands on its registration.
    body = _wait_for_message(smtp_server, GHANA, containing="Register your delegation")
    link = re.search(r"Register your delegation: (\S+)", body).group(1)
    ghana = browser.new_context().new_page()
    _sign_up_from_link(ghana, link, email=None, smtp_server=smtp_server)
    ghana.wait_for_url("**/delegation/registrations/*/edit/")
    registration = DelegationRegistration.objects.get(mission__state__iso3="GHA", session=demo_session)
    head = ghana.get_by_role("group", name="Head of delegation")
    head.get_by_label("Honorific").fill("H.E. Mr.")
    head.get_by_label("Given name").fill("Martha Ama Akyaa")
    head.get_by_label("Family name").fill("Pobee")
    head.get_by_label("Function or title").fill("Ambassador and Permanent Representative")
    ghana.get_by_label("Note verbale (PDF)").set_input_files(str(note_verbale))
    ghana.get_by_role("button", name="Save and submit to the secretariat").click()
    ghana.wait_for_url("**/delegation/registrations/*/")
    assert ghana.locator("#registration-status").inner_text() == "Submitted"

    # The secretariat approves it in the admin.
    secretariat = browser.new_context().new_page()
    _sign_in(secretariat, url, "sec@example.org")
    secretariat.goto(f"{url}/admin/registrations/delegationregistration/")
    secretariat.locator(f'input[name="_selected_action"][value="{registration.pk}"]').check()
    secretariat.locator('select[name="action"]').select_option("approve")
    secretariat.get_by_role("button", name="Go").click()
    secretariat.wait_for_url("**/decide/**")
    secretariat.get_by_role("button", name="Apply the decision").click()
    secretariat.wait_for_url("**/admin/registrations/delegationregistration/")

    # The board shows Ghana approved.
    cofac.goto(f"{url}/admin/registrations/missionanswer/?session={demo_session.pk}")
    row = cofac.locator("#board-GHA")
    assert row.locator(".registration").inner_text() == "Approved"
    assert row.locator(".answer").inner_text() == "Registering"
    assert "1 of 193 Member States registered · 0 not attending · 192 no answer" in cofac.content()

    # Another address of the mission following Ghana's link ends with a pending request, never Ghana's form.
    other = browser.new_context().new_page()
    _sign_up_from_link(other, link, email="attache.gha@missions.example.org", smtp_server=smtp_server)
    other.wait_for_url("**/delegation/focal-point/**")
    other.get_by_label("Function or title").fill("Attaché")
    other.get_by_role("button", name="Send the request").click()
    other.wait_for_url("**/delegation/focal-point/")
    assert other.get_by_test_id("request-status").inner_text() == "Pending"
    other.goto(f"{url}/en/delegation/registrations/{registration.pk}/edit/")
    assert "Pobee" not in other.content()
    request = FocalPointRequest.objects.get(user__email="attache.gha@missions.example.org")
    assert (request.mission.state.iso3, request.status) == ("GHA", "pending")
