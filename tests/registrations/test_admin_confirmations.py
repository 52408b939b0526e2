"""A confirmation step before every admin action that cannot be undone: the first POST answers with a page that says
what will happen and to how many, and changes nothing; the confirmed POST does it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.models import NonObjectionList, Organization, SlotApplication
from registrations.services import stakeholders


@pytest.fixture
def secretariat_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def _act(client, model, action, objects, **extra):
    url = reverse(f"admin:registrations_{model}_changelist")
    return client.post(url, {"action": action, "_selected_action": [o.pk for o in objects], **extra}, follow=True)


def test_closing_a_list_early_asks_first_and_says_what_will_happen(
    secretariat_client, secretariat_user, make_organization, focal_mex
):
    deadline = timezone.now() + timedelta(days=14)
    nolist = stakeholders.non_objection_list_create(title="ITS6 stakeholders", deadline=deadline, by=secretariat_user)
    organizations = [make_organization(accredited=False, ecosoc_status="none") for _ in range(3)]
    stakeholders.non_objection_list_add(nolist=nolist, organizations=organizations, by=secretariat_user)
    stakeholders.objection_raise(entry=nolist.entries.get(organization=organizations[0]), by=focal_mex, reason="")

    page = _act(secretariat_client, "nonobjectionlist", "close_now", [nolist])
    assert page.templates[0].name == "admin/confirm_action.html"
    assert page.context["consequences"] == [
        "“ITS6 stakeholders” closes now: 2 organizations accredited (no objection), 1 not accredited (objection). "
        "Each organization is told by e-mail."
    ]
    assert "open to objections until" in page.content.decode()
    nolist.refresh_from_db()
    assert nolist.is_open
    assert set(Organization.objects.values_list("accreditation", flat=True)) == {"on_list"}

    done = _act(secretariat_client, "nonobjectionlist", "close_now", [nolist], confirmed="yes")
    assert "ITS6 stakeholders: 2 accredited, 1 not (objection)." in done.content.decode()
    assert NonObjectionList.objects.get().closed_by == secretariat_user


def test_declining_applications_asks_first(secretariat_client, make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    applications = [apply_for(dialogue, make_organization()) for _ in range(2)]

    page = _act(secretariat_client, "slotapplication", "decline", applications)
    assert page.context["consequences"] == [
        "2 applications declined; each organization is told by e-mail.",
        "2 of them had a slot: each freed slot goes to the first on the waiting list, who is told by e-mail.",
    ]
    assert set(SlotApplication.objects.values_list("status", flat=True)) == {"confirmed"}

    _act(secretariat_client, "slotapplication", "decline", applications, confirmed="yes")
    assert set(SlotApplication.objects.values_list("status", flat=True)) == {"declined"}


def test_publishing_a_list_of_speakers_from_the_list_asks_first(
    secretariat_client, make_dialogue, make_organization, apply_for
):
    dialogue = make_dialogue()
    apply_for(dialogue, make_organization())

    page = _act(secretariat_client, "dialogue", "publish", [dialogue])
    assert page.context["consequences"] == [
        f"{dialogue.session.code}: the list of 1 confirmed speaker is shown on the session's page."
    ]
    dialogue.refresh_from_db()
    assert not dialogue.is_published

    _act(secretariat_client, "dialogue", "publish", [dialogue], confirmed="yes")
    dialogue.refresh_from_db()
    assert dialogue.is_published


def test_the_decision_page_says_what_each_decision_does_and_to_how_many(
    secretariat_client, open_session, mission_mex, mission_che, make_focal_point, make_registration
):
    registrations = [
        make_registration(session=open_session, mission=m, focal_point=make_focal_point(m), status="submitted")
        for m in (mission_mex, mission_che)
    ]
    ids = ",".join(str(r.pk) for r in registrations)
    page = secretariat_client.get(reverse("admin:registrations_delegationregistration_decide"), {"ids": ids})
    text = " ".join(page.content.decode().split())
    assert "<li><strong>Approve</strong>: each of the 2 delegations is approved;" in text
    assert "<p><strong>An approval or a rejection cannot be undone.</strong></p>" in text
