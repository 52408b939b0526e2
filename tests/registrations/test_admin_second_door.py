"""The admin is no second door: workflow fields change only through the services, as the secretariat acts."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from registrations.models import DelegationRegistration, NonObjectionList


def _post_change(client, url, data):
    """Posts the admin's add or change form with its current values (as the browser does) overridden by `data`."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    values = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, datetime):  # the admin's split date and time fields
            local = timezone.localtime(value)
            values[f"{name}_0"], values[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
        elif value is not None and value is not False:
            values[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            values[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    values.update(data)
    return client.post(url, {k: v for k, v in values.items() if v is not None})


# --- Speakers lists -----------------------------------------------------------------------------------------------


def test_a_speakers_list_is_not_closed_from_the_change_form(client, secretariat_user, speakers_list):
    client.force_login(secretariat_user)
    url = reverse("admin:registrations_speakerslist_change", args=[speakers_list.pk])
    response = _post_change(client, url, {"time_limit": "00:02:00", "is_open": "", "is_published": "on"})
    assert response.status_code == 302
    speakers_list.refresh_from_db()
    assert (speakers_list.time_limit, speakers_list.is_open, speakers_list.is_published) == (
        timedelta(minutes=2),
        True,
        False,
    )


def test_the_change_pages_buttons_close_a_speakers_list_through_the_service(client, secretariat_user, speakers_list):
    client.force_login(secretariat_user)
    page = client.get(reverse("admin:registrations_speakerslist_change", args=[speakers_list.pk])).content.decode()
    close = reverse("admin:registrations_speakerslist_set", kwargs={"pk": speakers_list.pk, "button": "close"})
    assert f'action="{close}"' in page
    assert client.post(close).status_code == 302
    speakers_list.refresh_from_db()
    assert speakers_list.is_open is False
    entry = AuditEntry.objects.get(action="speakers list set")
    assert (entry.actor_repr, entry.before, entry.after) == ("sec@example.org", {"is_open": True}, {"is_open": False})


def test_a_cofacilitator_cannot_press_the_speakers_list_buttons(client, cofacilitator_user, speakers_list):
    client.force_login(cofacilitator_user)
    close = reverse("admin:registrations_speakerslist_set", kwargs={"pk": speakers_list.pk, "button": "close"})
    client.post(close)
    speakers_list.refresh_from_db()
    assert speakers_list.is_open is True


# --- Non-objection lists ------------------------------------------------------------------------------------------


def test_a_non_objection_list_with_a_past_deadline_is_refused_in_the_admin(client, secretariat_user):
    client.force_login(secretariat_user)
    past = timezone.localtime(timezone.now() - timedelta(hours=1))
    response = _post_change(
        client,
        reverse("admin:registrations_nonobjectionlist_add"),
        {"title": "Too late", "deadline_0": past.strftime("%Y-%m-%d"), "deadline_1": past.strftime("%H:%M:%S")},
    )
    assert response.status_code == 200
    assert "The deadline must be in the future" in response.content.decode()
    assert not NonObjectionList.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_non_objection_list_is_made_in_the_admin_through_the_service(client, secretariat_user):
    client.force_login(secretariat_user)
    ahead = timezone.localtime(timezone.now() + timedelta(days=10))
    response = _post_change(
        client,
        reverse("admin:registrations_nonobjectionlist_add"),
        {"title": "Sixth session", "deadline_0": ahead.strftime("%Y-%m-%d"), "deadline_1": ahead.strftime("%H:%M:%S")},
    )
    assert response.status_code == 302
    nolist = NonObjectionList.objects.get()
    assert (nolist.title, nolist.created_by, nolist.is_open) == ("Sixth session", secretariat_user, True)
    assert AuditEntry.objects.get().action == "non-objection list create"
    # Once made, its deadline is no longer a field of the form.
    url = reverse("admin:registrations_nonobjectionlist_change", args=[nolist.pk])
    response = _post_change(client, url, {"title": "Renamed", "deadline_0": "2000-01-01", "deadline_1": "00:00:00"})
    assert response.status_code == 302
    nolist.refresh_from_db()
    assert (nolist.title, nolist.deadline > timezone.now()) == ("Sixth session", True)


def test_a_non_objection_list_past_its_deadline_is_not_open(db, secretariat_user):
    now = timezone.now()
    nolist = NonObjectionList.objects.create(title="T", deadline=now + timedelta(hours=1), created_by=secretariat_user)
    assert (nolist.is_open_at(now), nolist.is_open_at(now + timedelta(hours=2))) == (True, False)
    assert list(NonObjectionList.objects.open(now)) == [nolist]
    assert list(NonObjectionList.objects.open(now + timedelta(hours=2))) == []
    assert nolist.is_closed is False  # past its deadline, still to be closed (decided)


# --- The dialogue -------------------------------------------------------------------------------------------------


@pytest.fixture
def dialogue_with_applications(make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue()
    for _ in range(3):
        apply_for(dialogue, make_organization())
    return dialogue


def test_a_dialogues_allocation_is_not_changed_after_applications(client, secretariat_user, dialogue_with_applications):
    dialogue = dialogue_with_applications
    before = (dialogue.allocation, dialogue.minutes_per_statement, dialogue.chair_minutes, dialogue.slot_count)
    close_before = dialogue.applications_close_at
    client.force_login(secretariat_user)
    url = reverse("admin:registrations_dialogue_change", args=[dialogue.pk])
    response = _post_change(
        client,
        url,
        {
            "allocation": "draw",
            "minutes_per_statement": "10",
            "chair_minutes": "30",
            "applications_close_at_0": "2000-01-01",
            "applications_close_at_1": "00:00:00",
            "representatives_per_organization": "3",
        },
    )
    assert response.status_code == 302
    dialogue.refresh_from_db()
    after = (dialogue.allocation, dialogue.minutes_per_statement, dialogue.chair_minutes, dialogue.slot_count)
    assert after == before
    assert dialogue.applications_close_at == close_before
    assert dialogue.representatives_per_organization == 3  # not a workflow field: still editable


def test_a_dialogue_without_applications_can_still_be_reshaped(client, secretariat_user, make_dialogue):
    dialogue = make_dialogue()
    client.force_login(secretariat_user)
    url = reverse("admin:registrations_dialogue_change", args=[dialogue.pk])
    assert _post_change(client, url, {"minutes_per_statement": "5"}).status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.minutes_per_statement == 5


# --- One transition table ------------------------------------------------------------------------------------------


def test_what_a_registration_may_do_next_comes_from_the_one_table():
    Status = DelegationRegistration.Status
    table = {
        status: (DelegationRegistration(status=status).can_submit, DelegationRegistration(status=status).can_be_decided)
        for status in Status
    }
    assert table == {
        Status.DRAFT: (True, False),
        Status.SUBMITTED: (False, True),
        Status.RETURNED: (True, False),
        Status.APPROVED: (False, False),
        Status.REJECTED: (False, False),
    }


def test_what_an_application_may_become_comes_from_the_one_table():
    from registrations.models import SlotApplication

    Status = SlotApplication.Status
    table = {status: sorted(to for to in Status if Status(status).can_become(to)) for status in Status}
    assert table == {
        Status.PENDING: ["confirmed", "declined", "waitlisted", "withdrawn"],
        Status.CONFIRMED: ["declined", "waitlisted", "withdrawn"],
        Status.WAITLISTED: ["confirmed", "declined", "withdrawn"],
        Status.DECLINED: [],
        Status.WITHDRAWN: [],
    }
    assert [SlotApplication(status=s).can_withdraw for s in Status] == [True, True, True, False, False]
