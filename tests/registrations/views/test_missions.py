"""The focal point's own page: the mission's language of correspondence, set by its focal points (and the
secretariat), never by another mission's, with its audit entry; the page in each language."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from registrations import missions

pytestmark = pytest.mark.django_db


def _url(mission, language="en"):
    with translation.override(language):
        return reverse("registrations:mission_language", kwargs={"mission_pk": mission.pk})


def test_a_focal_point_sets_the_missions_language_of_correspondence_on_its_page(client, focal_mex, mission_mex):
    client.force_login(focal_mex)
    with translation.override("es"):
        home = client.get(reverse("registrations:home")).content.decode()
    assert "Idioma de correspondencia" in home
    assert f'action="{_url(mission_mex, "es")}"' in home
    assert '<option value="en" lang="en" selected>English</option>' in home
    response = client.post(_url(mission_mex, "es"), {"correspondence_language": "es"}, follow=True)
    mission_mex.refresh_from_db()
    assert mission_mex.correspondence_language == "es"
    assert [str(m) for m in response.context["messages"]] == [
        "Registrado: las cartas llegarán a la misión en español cuando tengan una versión en ese idioma."
    ]
    entry = AuditEntry.objects.get(action="language of correspondence")
    assert (entry.actor_repr, entry.object_id, entry.before, entry.after) == (
        focal_mex.get_username(),
        str(mission_mex.pk),
        {"correspondence_language": "en"},
        {"correspondence_language": "es"},
    )


def test_another_missions_focal_point_gets_not_found_and_changes_nothing(client, focal_che, mission_mex):
    client.force_login(focal_che)
    assert client.post(_url(mission_mex), {"correspondence_language": "fr"}).status_code == 404
    mission_mex.refresh_from_db()
    assert mission_mex.correspondence_language == "en"
    assert not AuditEntry.objects.filter(action="language of correspondence").exists()
    with pytest.raises(PermissionDenied):  # the service refuses too, whoever calls it
        missions.mission_correspondence_language_set(mission=mission_mex, language="fr", by=focal_che)


def test_the_language_chosen_is_named_in_the_pages_language(client, focal_mex, mission_mex):
    """Not in its own ("in français" on an English page)."""
    client.force_login(focal_mex)
    response = client.post(_url(mission_mex, "en"), {"correspondence_language": "fr"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Recorded: letters will come to the mission in French where they have a version in it."
    ]
    response = client.post(_url(mission_mex, "fr"), {"correspondence_language": "zh-hans"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "C’est noté : les lettres parviendront à la mission en chinois simplifié lorsqu’elles existent dans cette "
        "langue."
    ]


def test_the_focal_points_page_names_the_mission_in_the_pages_language_or_in_english_marked_so(
    client, focal_mex, mission_mex
):
    mission_mex.translations = {"ar": {"name": "البعثة الدائمة للمكسيك لدى الأمم المتحدة"}}
    mission_mex.save(update_fields=["translations"])
    client.force_login(focal_mex)
    with translation.override("ar"):
        arabic = client.get(reverse("registrations:home")).content.decode()
    with translation.override("ru"):
        russian = client.get(reverse("registrations:home")).content.decode()
    assert "<strong>البعثة الدائمة للمكسيك لدى الأمم المتحدة</strong>" in arabic
    assert mission_mex.name not in arabic
    assert f'<strong><span lang="en">{mission_mex.name}</span></strong>' in russian


def test_a_language_outside_the_six_is_refused(client, focal_mex, mission_mex):
    client.force_login(focal_mex)
    response = client.post(_url(mission_mex), {"correspondence_language": "de"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Choose one of the six official languages."]
    mission_mex.refresh_from_db()
    assert mission_mex.correspondence_language == "en"


def test_the_secretariat_may_set_it_through_the_service_and_an_unchanged_language_writes_nothing(
    secretariat_user, focal_mex, mission_mex
):
    missions.mission_correspondence_language_set(mission=mission_mex, language="fr", by=secretariat_user)
    missions.mission_correspondence_language_set(mission=mission_mex, language="fr", by=focal_mex)
    mission_mex.refresh_from_db()
    assert mission_mex.correspondence_language == "fr"
    assert list(AuditEntry.objects.values_list("action", "actor_repr")) == [
        ("language of correspondence", secretariat_user.get_username())
    ]
