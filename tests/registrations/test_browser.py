"""End to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): a focal point signs up,
confirms the e-mail from the outbox, registers a delegation with a PDF, the secretariat approves it in the admin,
the focal point downloads the confirmation letter."""

import re
import shutil
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.conftest import IN_CI
from tests.registrations.conftest import pdf_bytes

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "a-long-pass-phrase-2017"


@pytest.fixture
def browser(transactional_db, live_server, monkeypatch):
    """Chromium, driven from this thread. Playwright's sync API switches greenlets, and Django's connections are
    per context: the test body gets a connection of its own, closed here (else PostgreSQL cannot drop the test
    database at the end of the run)."""
    if not shutil.which(CHROMIUM):
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing (scripts/system-packages.sh test installs it)")
        pytest.skip(f"{CHROMIUM} is missing")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


@pytest.mark.browser
def test_focal_point_signs_up_registers_and_downloads_the_letter_after_approval(
    live_server, transactional_db, make_session, mission_mex, tmp_path, django_user_model, browser
):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from compact_portal import roles
    from registrations.models import DelegationRegistration, Profile

    session = make_session(registration_deadline=timezone.now() + timedelta(days=10))
    secretariat = django_user_model.objects.create_user("sec@example.org", "sec@example.org", PASSWORD, is_staff=True)
    secretariat.groups.add(Group.objects.get(name=roles.SECRETARIAT))
    EmailAddress.objects.create(user=secretariat, email=secretariat.email, verified=True, primary=True)
    note_verbale = tmp_path / "note-verbale-mexico.pdf"
    note_verbale.write_bytes(pdf_bytes())
    url = live_server.url

    # The focal point signs up and confirms the address from the outbox.
    focal = browser.new_context(accept_downloads=True).new_page()
    focal.goto(f"{url}/accounts/signup/")
    focal.get_by_label("Email").fill("focal.point@mission-mex.example.org")
    focal.get_by_label("Password:", exact=True).fill(PASSWORD)
    focal.get_by_label("Password (again)").fill(PASSWORD)
    focal.get_by_role("button", name="Sign Up").click()
    focal.wait_for_url("**/accounts/confirm-email/")
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    focal.goto(link)
    focal.get_by_role("button", name="Confirm").click()
    focal.wait_for_url("**/delegation/")
    assert "not yet linked to a Permanent Mission" in focal.content()

    # The secretariat names the account Mexico's focal point (in the admin; here directly).
    user = django_user_model.objects.get(email="focal.point@mission-mex.example.org")
    Profile.objects.create(user=user, mission=mission_mex, is_focal_point=True)

    # The focal point registers the delegation with the note verbale and submits it.
    focal.reload()
    focal.get_by_role("button", name=f"Register the delegation to {session.code}").click()
    head = focal.get_by_role("group", name="Head of delegation")
    head.get_by_label("Honorific").fill("H.E. Mr.")
    head.get_by_label("Given name").fill("Juan José")
    head.get_by_label("Family name").fill("Gómez-Camacho")
    head.get_by_label("Function or title").fill("Ambassador and Permanent Representative")
    focal.get_by_label("Note verbale (PDF)").set_input_files(str(note_verbale))
    focal.get_by_role("button", name="Save and submit to the secretariat").click()
    focal.wait_for_url("**/delegation/registrations/*/")
    assert focal.locator("#registration-status").inner_text() == "Submitted"
    registration = DelegationRegistration.objects.get()

    # The secretariat signs in through the admin's door (allauth's) and approves it.
    admin = browser.new_context().new_page()
    admin.goto(f"{url}/admin/")
    admin.wait_for_url("**/accounts/login/**")
    admin.get_by_label("Email").fill("sec@example.org")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign In").click()
    admin.wait_for_url(f"{url}/admin/")
    admin.goto(f"{url}/admin/registrations/delegationregistration/")
    admin.locator(f'input[name="_selected_action"][value="{registration.pk}"]').check()
    admin.locator('select[name="action"]').select_option("approve")
    admin.get_by_role("button", name="Go").click()
    admin.wait_for_url("**/decide/**")
    admin.get_by_role("button", name="Apply the decision").click()
    admin.wait_for_url("**/admin/registrations/delegationregistration/")
    assert "Approved: Mexico" in admin.content()

    # The focal point downloads the confirmation letter.
    focal.reload()
    assert focal.locator("#registration-status").inner_text() == "Approved"
    with focal.expect_download() as download_info:
        focal.locator("#letters-link").click()
    download = download_info.value
    assert download.suggested_filename == f"confirmation-{registration.reference}.pdf"
    download.save_as(tmp_path / "letter.pdf")
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF-")
    subjects = [m.subject for m in mail.outbox[1:]]
    assert subjects == [
        f"{session.code}, delegation of Mexico: registration received",
        f"{session.code}, delegation of Mexico: registration approved",
    ]
