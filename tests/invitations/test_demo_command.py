import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registrations.models import PermanentMission, State
from sessions.models import AgendaItem, ItemRole, Person, ThematicSession

pytestmark = pytest.mark.django_db


def _counts():
    models = [State, PermanentMission, ThematicSession, AgendaItem, ItemRole, Person, get_user_model()]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_twice_doubles_nothing(settings):
    settings.DEBUG = True
    call_command("demo")
    first = _counts()
    call_command("demo")
    assert _counts() == first
    assert first["State"] == 195
    assert first["ThematicSession"] == 6
    assert first["AgendaItem"] == 7


def test_demo_loads_the_seed_letters_session():
    call_command("demo", "--no-accounts")
    session = ThematicSession.objects.get(slug="gcm-its-6")
    assert (session.number, str(session.start_date), str(session.end_date), session.venue.room) == (
        6,
        "2017-10-12",
        "2017-10-13",
        "Conference Room XIX",
    )
    assert [link.person.full_name for link in session.co_facilitator_links.all()] == [
        "Juan José Gómez-Camacho",
        "Jürg Lauber",
    ]
    dialogue = session.agenda_items.get(kind="stakeholder_dialogue")
    assert (str(dialogue.day), f"{dialogue.start_time:%H:%M}", f"{dialogue.end_time:%H:%M}") == (
        "2017-10-13",
        "09:00",
        "09:50",
    )
    assert set(session.agenda_items.filter(tentative=True).values_list("day", flat=True)) == {dialogue.day}
    mexico = PermanentMission.objects.get(state__iso3="MEX")
    assert (mexico.head_name, mexico.email_list) == ("Juan José Gómez-Camacho", ["pm.mex@missions.example.org"])


def test_demo_accounts_are_refused_in_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused with DJANGO_DEBUG=0"):
        call_command("demo")
    assert not get_user_model().objects.exists()
    call_command("demo", "--no-accounts")
    assert ThematicSession.objects.count() == 6


def test_demo_accounts_can_log_in_with_the_printed_password(settings, client):
    settings.DEBUG = True
    call_command("demo")
    assert client.login(username="secretariat@example.org", password="compact-demo-2017")
    assert client.get("/admin/consultations/thematicsession/").status_code == 200
