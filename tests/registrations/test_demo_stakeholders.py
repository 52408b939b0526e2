"""The demo, for stakeholders: the demo stakeholder applies for a slot in the sixth session's dialogue, the demo
secretariat makes the draw and publishes the list; Mexico's focal point considers a non-objection list."""

from collections import Counter

from django.urls import reverse

from registrations.models import Dialogue, Organization, SlotApplication


def login(client, email):
    from compact_portal.demo_accounts import DEMO_PASSWORD

    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_dialogue_matches_the_sixth_sessions_programme(demo):
    dialogue = Dialogue.objects.select_related("item").get(session__slug="gcm-its-6")
    assert (str(dialogue.item.day), f"{dialogue.item.start_time:%H:%M}", f"{dialogue.item.end_time:%H:%M}") == (
        "2017-10-13",
        "09:00",
        "09:50",
    )
    assert (dialogue.minutes_per_statement, dialogue.chair_minutes, dialogue.slot_count) == (3, 5, 15)
    assert dialogue.allocation == "draw" and dialogue.applications_message() is None
    assert SlotApplication.objects.filter(dialogue=dialogue, status="pending").count() == 18
    regions = Counter(
        a.organization.country.regional_group.short_name if a.organization.country else "International"
        for a in SlotApplication.objects.select_related("organization__country__regional_group")
    )
    assert len(regions) == 6


def test_demo_stakeholder_applies_and_demo_secretariat_draws_and_publishes(
    client, demo, django_capture_on_commit_callbacks
):
    dialogue = Dialogue.objects.get(session__slug="gcm-its-6")
    login(client, "stakeholder@example.org")
    home = client.get(reverse("registrations:stakeholder_home")).content.decode()
    assert "Apply for a slot in ITS6" in home
    panel = dialogue.session.agenda_items.filter(kind="panel").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:apply", kwargs={"dialogue_pk": dialogue.pk}),
            {
                "speaker_name": "Stella Stakeholder",
                "speaker_function": "Director",
                "theme": panel.pk,
                "summary": "Pathways.",
            },
        )
    assert response.status_code == 302
    assert SlotApplication.objects.get(organization__name="Migrant Rights Network (demo)").status == "pending"

    client.post(reverse("account_logout"))
    login(client, "secretariat@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:registrations_dialogue_draw", args=[dialogue.pk]), {"seed": ""})
    client.post(reverse("admin:registrations_dialogue_publish", args=[dialogue.pk]), {"published": "1"})
    dialogue.refresh_from_db()
    assert Counter(dialogue.applications.values_list("status", flat=True)) == {"confirmed": 15, "waitlisted": 4}
    page = client.get(reverse("registrations:dialogue_speakers", kwargs={"slug": "gcm-its-6"})).content.decode()
    assert dialogue.draw_seed in page
    assert page.count('class="slot-time">') == 15


def test_demo_focal_point_of_mexico_considers_the_non_objection_list(client, demo):
    login(client, "delegate.mex@example.org")
    page = client.get(reverse("registrations:non_objection")).content.decode()
    for name in ("Corridor Diaspora Forum", "Balkan Route Legal Aid", "Pacific Climate Mobility Collective"):
        assert name in page
    assert Organization.objects.filter(accreditation="on_list").count() == 3
