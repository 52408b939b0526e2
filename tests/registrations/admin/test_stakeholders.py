"""The secretariat's admin for stakeholders: pages with filters, the draw with its seed, publishing, decisions and
reordering on applications, accreditation actions."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.models import NonObjectionEntry, Organization, SlotApplication


@pytest.fixture
def admin_client_secretariat(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def test_admin_pages_and_filters_open(admin_client_secretariat, make_dialogue, make_organization, apply_for):
    dialogue = make_dialogue(allocation="draw")
    apply_for(dialogue, make_organization())
    urls = [
        reverse("admin:registrations_organization_changelist") + "?accreditation__exact=accredited&kind__exact=ngo",
        reverse("admin:registrations_slotapplication_changelist")
        + f"?dialogue__session__id__exact={dialogue.session_id}&status__exact=pending",
        reverse("admin:registrations_dialogue_changelist"),
        reverse("admin:registrations_dialogue_change", args=[dialogue.pk]),
        reverse("admin:registrations_dialogue_draw", args=[dialogue.pk]),
        reverse("admin:registrations_dialogue_publish", args=[dialogue.pk]),
        reverse("admin:registrations_nonobjectionlist_changelist"),
        reverse("admin:registrations_representation_changelist"),
    ]
    for url in urls:
        assert admin_client_secretariat.get(url).status_code == 200, url


def test_secretariat_runs_the_draw_with_a_given_seed_and_publishes(
    admin_client_secretariat, make_dialogue, make_organization, apply_for
):
    dialogue = make_dialogue(start="09:00", end="09:14", chair_minutes=5, allocation="draw")  # 3 slots
    for n in range(5):
        apply_for(dialogue, make_organization(name=f"Org {n}"))
    page = admin_client_secretariat.get(reverse("admin:registrations_dialogue_draw", args=[dialogue.pk]))
    assert "making the draw now closes them now" in page.content.decode()
    response = admin_client_secretariat.post(
        reverse("admin:registrations_dialogue_draw", args=[dialogue.pk]), {"seed": "2017"}, follow=True
    )
    assert "Draw made with seed 2017: 5 applications, 3 slots confirmed." in response.content.decode()
    assert Counter(SlotApplication.objects.values_list("status", flat=True)) == {"confirmed": 3, "waitlisted": 2}

    admin_client_secretariat.post(
        reverse("admin:registrations_dialogue_publish", args=[dialogue.pk]), {"published": "1"}
    )
    dialogue.refresh_from_db()
    assert dialogue.is_published and dialogue.draw_seed == "2017"


def test_application_actions_confirm_waitlist_decline_and_move(
    admin_client_secretariat, make_dialogue, make_organization, apply_for
):
    dialogue = make_dialogue(start="09:00", end="09:11", chair_minutes=5)  # 2 slots
    a, b, _c = (apply_for(dialogue, make_organization(name=f"Org {n}")) for n in range(3))
    url = reverse("admin:registrations_slotapplication_changelist")

    def act(action, *applications):
        return admin_client_secretariat.post(
            url, {"action": action, "_selected_action": [x.pk for x in applications], "confirmed": "yes"}, follow=True
        )

    act("move_to_top", b)
    act("decline", a)  # c, first on the waiting list, takes a's place
    rows = {x.organization.name: (x.status, x.position) for x in SlotApplication.objects.select_related("organization")}
    assert rows == {"Org 0": ("declined", None), "Org 1": ("confirmed", 1), "Org 2": ("confirmed", 2)}
    act("waitlist", b)
    act("confirm", b)
    rows = {x.organization.name: (x.status, x.position) for x in SlotApplication.objects.select_related("organization")}
    assert rows == {"Org 0": ("declined", None), "Org 1": ("confirmed", 2), "Org 2": ("confirmed", 1)}
    response = act("confirm", a)
    assert "Org 0" in response.content.decode() and "declined" in response.content.decode()


def test_accreditation_actions(admin_client_secretariat, make_organization):
    ecosoc = make_organization(name="With ECOSOC", accredited=False, ecosoc_status="general")
    others = [make_organization(name=f"Without {n}", accredited=False, ecosoc_status="none") for n in range(2)]
    url = reverse("admin:registrations_organization_changelist")
    admin_client_secretariat.post(url, {"action": "confirm_accreditation", "_selected_action": [ecosoc.pk]})
    ecosoc.refresh_from_db()
    assert ecosoc.accreditation == "accredited"

    response = admin_client_secretariat.post(url, {"action": "put_on_list", "_selected_action": [o.pk for o in others]})
    form_url = response.url
    deadline = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
    ids = ",".join(str(o.pk) for o in others)
    response = admin_client_secretariat.post(form_url, {"title": "Sixth session", "deadline": deadline, "ids": ids})
    assert response.status_code == 302
    assert sorted(NonObjectionEntry.objects.values_list("organization__name", flat=True)) == ["Without 0", "Without 1"]
    assert set(Organization.objects.filter(name__startswith="Without").values_list("accreditation", flat=True)) == {
        "on_list"
    }


def test_organizations_focal_points_have_no_admin(client, make_organization):
    organization = make_organization()
    client.force_login(organization.focal_point)
    response = client.get(reverse("admin:registrations_slotapplication_changelist"))
    assert response.status_code == 302


def test_application_changelist_runs_the_same_queries_for_1_and_50_rows(
    admin_client_secretariat, make_dialogue, make_organization, apply_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dialogue = make_dialogue()
    url = reverse("admin:registrations_slotapplication_changelist")
    apply_for(dialogue, make_organization())

    def count():
        with CaptureQueriesContext(connection) as context:
            assert admin_client_secretariat.get(url).status_code == 200
        return len(context.captured_queries)

    one = count()
    for _ in range(49):
        apply_for(dialogue, make_organization())
    assert count() == one
