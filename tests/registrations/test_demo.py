"""The demo, as `make run` loads it: Mexico's focal point registers for the sixth session, the secretariat approves,
the confirmation letters come out."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from pypdf import PdfReader

from registrations.models import DelegationRegistration, Profile, SpeakersList
from tests.registrations.conftest import pdf_bytes, upload


def test_demo_names_mexicos_focal_point_and_opens_the_sixth_session(demo):
    profile = Profile.objects.select_related("mission__state").get(user__email="delegate.mex@example.org")
    assert (profile.mission.state.iso3, profile.mission.duty_station, profile.is_focal_point) == (
        "MEX",
        "new_york",
        True,
    )
    assert SpeakersList.objects.filter(item__session__slug="gcm-its-6").count() == 3


def test_demo_focal_point_registers_and_demo_secretariat_approves(client, demo, django_capture_on_commit_callbacks):
    from compact_portal.demo_accounts import DEMO_PASSWORD

    response = client.post(reverse("account_login"), {"login": "delegate.mex@example.org", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("registrations:home")).content.decode()
    assert "Register the delegation to ITS6" in home
    mexico = Profile.objects.get(user__email="delegate.mex@example.org").mission
    response = client.post(reverse("registrations:start", kwargs={"slug": "gcm-its-6", "mission_pk": mexico.pk}))
    edit = response.url
    data = {
        "head-honorific": "H.E. Mr.",
        "head-given_name": "Juan José",
        "head-family_name": "Gómez-Camacho",
        "head-function": "Ambassador and Permanent Representative",
        "head-attendance": "in_person",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "note_verbale": upload(pdf_bytes()),
        "submit": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit, data).status_code == 302
    registration = DelegationRegistration.objects.get(session__slug="gcm-its-6", mission=mexico)
    assert registration.status == "submitted"

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": "secretariat@example.org", "password": DEMO_PASSWORD})
    assert response.url == reverse("admin:index")
    decide = reverse("admin:registrations_delegationregistration_decide")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "approve", "reason": "", "ids": str(registration.pk)})
    registration.refresh_from_db()
    assert registration.status == "approved"

    letters = client.get(reverse("registrations:letters", kwargs={"pk": registration.pk}))  # the secretariat may too
    text = PdfReader(io.BytesIO(letters.content)).pages[0].extract_text()
    assert "H.E. Mr. Juan José Gómez-Camacho" in text
    assert "Informal thematic session 6" in text


def test_demo_gives_the_secretariat_registrations_to_decide_made_through_the_services(demo, secretariat_user):
    from audit.models import AuditEntry
    from compact_portal import desk

    registrations = DelegationRegistration.objects.filter(session__slug="gcm-its-6").select_related("mission__state")
    assert sorted((r.mission.state.iso3, r.status, r.member_count) for r in registrations) == [
        ("BGD", "submitted", 2),
        ("MAR", "approved", 3),
        ("PHL", "submitted", 2),
        ("SEN", "draft", 1),
    ]
    awaiting = next(entry.rows for entry in desk.desk_for(secretariat_user) if entry.key == desk.AWAITING)
    submitted = next(row for row in awaiting if row.label == "Registrations submitted")
    assert (submitted.count, [name for name, _url in submitted.links]) == (2, ["Bangladesh", "Philippines"])
    morocco = registrations.get(mission__state__iso3="MAR")
    assert list(
        AuditEntry.objects.filter(object_id=str(morocco.pk), action__startswith="registration")
        .order_by("pk")
        .values_list("action", "actor_repr")
    ) == [
        ("registration start", "focal.mar@missions.example.org"),
        ("registration update", "focal.mar@missions.example.org"),
        ("registration submitted", "focal.mar@missions.example.org"),
        ("registration approved", "secretariat@example.org"),
    ]


def test_demo_delegates_are_refused_without_debug(db, settings):
    from registrations.demo import demo_registrations_load

    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        demo_registrations_load()


def test_demo_loads_with_the_second_factor_required_and_registers_the_delegations_once_the_secretariat_has_it(
    db, settings
):
    """`STAFF_REQUIRE_TWO_FACTOR=1 make run` on a fresh database: the demo secretariat has no second factor yet, so
    it may not link the demo's focal points: the demo loads without them (it stopped on PermissionDenied), and
    makes them once the secretariat has set up its authenticator."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from registrations.models import DelegationRegistration

    settings.DEBUG = True
    settings.STAFF_REQUIRE_TWO_FACTOR = True
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert not DelegationRegistration.objects.exists()
    assert "the demo secretariat has not set up its second factor" in out.getvalue()

    secretariat = get_user_model().objects.get(email="secretariat@example.org")
    Authenticator.objects.create(user=secretariat, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    call_command("demo", stdout=io.StringIO())
    assert DelegationRegistration.objects.count() == 4
