"""End to end in headless Chromium: a stakeholder signs in, applies for a slot in the informal dialogue, sees the
order and time, downloads the slot's calendar file; the secretariat publishes the list, the session page shows it."""

import icalendar
import pytest

from tests.registrations.test_browser import browser  # noqa: F401 - the fixture

PASSWORD = "a-long-test-password"


def sign_in(page, url, email):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


@pytest.mark.browser
def test_stakeholder_applies_for_a_slot_and_downloads_it(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
    make_dialogue,
    make_organization,
    secretariat_user,
    tmp_path,
):
    from registrations.models import SlotApplication
    from registrations.services import dialogue as dialogue_services

    dialogue = make_dialogue()
    organization = make_organization(name="Red Mesoamericana de Migrantes")
    url = live_server.url

    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, url, organization.focal_point.email)
    page.wait_for_url("**/stakeholders/")  # a stakeholder lands in the stakeholders' area
    assert page.locator("#accreditation-status").inner_text() == "Accredited"
    page.get_by_role("link", name=f"Apply for a slot in {dialogue.session.code}").click()
    # By field name: the labels are translated and may be reworded.
    page.locator('[name="speaker_name"]').fill("Ana Lucía Pérez")
    page.locator('[name="speaker_function"]').fill("Spokesperson")
    page.locator('[name="theme"]').select_option(label="Panel 1: Irregular migration and regular pathways")
    page.locator('[name="summary"]').fill("Regular pathways for workers in the region.")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/stakeholders/")
    assert "Confirmed: speaker no. 1, 09:05–09:08." in page.locator(".messages").inner_text()
    assert page.get_by_test_id("application-status").inner_text() == "Confirmed"
    assert page.get_by_test_id("slot").inner_text() == "no. 1, 09:05–09:08"
    page.screenshot(path=str(tmp_path / "stakeholder-desk.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"{dialogue.session.code}-dialogue-slot-1.ics"
    download.save_as(tmp_path / "slot.ics")
    event = icalendar.Calendar.from_ical((tmp_path / "slot.ics").read_bytes()).walk("VEVENT")[0]
    assert f"{event.decoded('dtstart'):%H:%M %Z}" in {"09:05 CEST", "09:05 CET"}

    dialogue_services.dialogue_publish(dialogue=dialogue, by=secretariat_user)
    page.goto(f"{url}{dialogue.session.get_absolute_url()}")
    page.get_by_role("link", name="Informal dialogue with stakeholders: speakers").click()
    row = page.locator("#dialogue-speakers tbody tr").first
    assert row.inner_text().split("\t")[:2] == ["1", "09:05–09:08"]
    assert "Red Mesoamericana de Migrantes" in row.inner_text() and "Ana Lucía Pérez" in row.inner_text()
    assert SlotApplication.objects.get().speaker_name == "Ana Lucía Pérez"
