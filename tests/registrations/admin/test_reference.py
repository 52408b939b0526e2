"""The missions' admin: the secretariat names a mission in the other official languages."""

import pytest
from django.urls import reverse

from registrations.models import PermanentMission

pytestmark = pytest.mark.django_db


def test_the_secretariat_edits_a_missions_name_in_each_language(client, secretariat_user, reference_data):
    client.force_login(secretariat_user)
    germany = PermanentMission.objects.get(state__iso3="DEU", duty_station="new_york")
    url = reverse("admin:registrations_permanentmission_change", args=[germany.pk])
    page = client.get(url).content.decode()
    assert 'name="name_fr"' in page and 'name="name_zh_hans"' in page and 'name="translations"' not in page
    assert "Mission permanente de l’Allemagne auprès de l’Organisation des Nations Unies" in page
    form = {
        "state": germany.state_id,
        "name": germany.name,
        "duty_station": germany.duty_station,
        "emails": germany.emails,
        "correspondence_language": "en",
        "name_fr": "Mission permanente de l’Allemagne auprès de l’Organisation des Nations Unies",
        "name_es": "Misión Permanente de Alemania ante las Naciones Unidas",
        "name_ru": "Постоянное представительство Германии при Организации Объединенных Наций",
        "profiles-TOTAL_FORMS": "0",
        "profiles-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    germany.refresh_from_db()
    assert germany.name_in("ru") == ("Постоянное представительство Германии при Организации Объединенных Наций", "ru")
    assert germany.name_in("ar") == ("Permanent Mission of Germany to the United Nations", "en")
