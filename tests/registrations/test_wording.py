"""Wording: counts pluralised, help that fits the case, lower case after a colon in French subjects."""

import pytest
from django.urls import reverse

from registrations.models import DelegationRegistration
from registrations.services import dialogue as dialogue_services

pytestmark = pytest.mark.django_db


def test_the_decision_page_for_one_registration_says_the_delegation_not_each_of_the_1(
    client, secretariat_user, open_session, mission_mex, focal_mex, make_registration
):
    registration = make_registration(
        session=open_session, mission=mission_mex, focal_point=focal_mex, status="submitted"
    )
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:registrations_delegationregistration_decide"), {"ids": str(registration.pk)})
    text = " ".join(page.content.decode().split())
    assert "<li><strong>Approve</strong>: the delegation is approved; its focal points are told by e-mail" in text
    assert "each of the 1" not in text


def test_the_note_verbale_help_offers_to_keep_an_upload_only_when_there_is_one(
    client, open_session, mission_mex, focal_mex
):
    client.force_login(focal_mex)
    start = reverse("registrations:start", kwargs={"slug": open_session.slug, "mission_pk": mission_mex.pk})
    edit = client.post(start).url
    page = client.get(edit).content.decode()
    assert '<span class="helptext" id="note-verbale-help">PDF, at most 10 MB.</span>' in page
    registration = DelegationRegistration.objects.get()
    DelegationRegistration.objects.filter(pk=registration.pk).update(note_verbale="notes/already.pdf")
    page = client.get(edit).content.decode()
    assert (
        '<span class="helptext" id="note-verbale-help">PDF, at most 10 MB. Leave empty to keep the one already '
        "uploaded.</span>"
    ) in page


def test_a_french_dialogue_subject_has_lower_case_after_the_colon(
    make_dialogue, make_organization, mailoutbox, django_capture_on_commit_callbacks
):
    dialogue = make_dialogue(allocation="draw")
    organization = make_organization(name="Réseau des migrants")
    type(organization).objects.filter(pk=organization.pk).update(language="fr")
    organization.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        dialogue_services.application_submit(
            dialogue=dialogue,
            organization=organization,
            by=organization.focal_point,
            speaker_name="Ana Pérez",
            speaker_function="Director",
            summary="Regular pathways.",
        )
    assert [m.subject for m in mailoutbox] == [
        f"{dialogue.session.code}, dialogue informel, Réseau des migrants : en attente du tirage au sort"
    ]
