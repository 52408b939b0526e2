"""Each delivery to a Permanent Mission carries its own "Register your delegation" link, in the PDF (text and QR code)
and in the e-mail body; other recipients' letters carry none."""

from datetime import timedelta

import pytest
from django.utils import timezone

from invitations import rendering
from invitations.audiences import audience_recipients
from invitations.demo import demo_letters_load
from registrations import links
from registrations.demo import demo_missions_load
from tests.invitations.test_rendering import pdftotext


@pytest.fixture
def letter(reference_data, demo_session, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    demo_session.registration_deadline = timezone.now() + timedelta(days=10)
    demo_session.save()
    demo_missions_load()
    [letter] = demo_letters_load(session=demo_session)
    return letter


@pytest.mark.django_db
def test_each_missions_address_gets_its_own_link_bound_to_session_mission_and_address(letter):
    recipients = audience_recipients(letter=letter, audience="member-states").recipients
    ghana = [r for r in recipients if r.code == "GHA"]
    assert ghana
    for recipient in ghana:
        url = recipient.values["registration_url"]
        prefix = "https://portal.example.org/en/delegation/letter/"
        assert url.startswith(prefix)
        link = links.registration_link_read(url.removeprefix(prefix).rstrip("/"))
        assert (link.session, link.mission.pk, link.email) == (
            letter.session,
            recipient.mission_id,
            recipient.email.lower(),
        )
    assert len({r.values["registration_url"] for r in recipients}) == len(recipients)


@pytest.mark.django_db
def test_the_link_is_printed_in_the_pdf_with_a_qr_code_and_in_the_email_body(letter):
    recipient = next(
        r for r in audience_recipients(letter=letter, audience="member-states").recipients if r.code == "GHA"
    )
    url = recipient.values["registration_url"]
    context = rendering.letter_context(letter, values=recipient.values)
    assert context["registration_label"] == "Register your delegation"
    assert context["registration_qr"].startswith("<svg")
    text = "".join(pdftotext(rendering.letter_pdf(letter, values=recipient.values)).split())
    assert "Registeryourdelegation" in text
    # pdftotext joins a line that ends in "-" to the next without it: compare without hyphens.
    assert url.replace("-", "") in text.replace("-", "")
    body = rendering.letter_plain_text(letter, values=recipient.values)
    assert f"Register your delegation: {url}\n" in body


@pytest.mark.django_db
def test_a_french_letter_links_to_the_french_page(letter):
    recipient = next(
        r for r in audience_recipients(letter=letter, audience="member-states").recipients if r.code == "FRA"
    )
    assert (recipient.language, "/fr/delegation/letter/" in recipient.values["registration_url"]) == ("fr", True)
    context = rendering.letter_context(letter, values=recipient.values, language=recipient.language)
    assert context["registration_label"] == "Inscrire votre délégation"


@pytest.mark.django_db
def test_letters_to_others_carry_no_link(letter):
    values = {"recipient_name": "International Organization for Migration"}
    assert rendering.letter_context(letter, values=values)["registration_url"] == ""
    assert "Register your delegation" not in rendering.letter_plain_text(letter, values=values)


@pytest.mark.django_db
def test_the_admin_preview_for_a_mission_carries_the_link_and_qr_code_its_first_address_gets(
    client, letter, secretariat_user
):
    from django.urls import reverse

    from registrations.models import PermanentMission

    ghana = PermanentMission.objects.get(state__iso3="GHA", duty_station="new_york")
    delivered = next(
        r
        for r in audience_recipients(letter=letter, audience="member-states").recipients
        if r.mission_id == ghana.pk and r.email == ghana.email_list[0]
    )
    client.force_login(secretariat_user)
    url = reverse("admin:invitations_letter_preview_pdf", args=[letter.pk])
    preview = client.get(url, {"mission": ghana.pk})
    assert preview.status_code == 200
    text = "".join(pdftotext(preview.content).split())
    assert "Registeryourdelegation" in text
    assert delivered.values["registration_url"].replace("-", "") in text.replace("-", "")
    assert "QR code" in client.get(reverse("admin:invitations_letter_preview", args=[letter.pk])).content.decode()
