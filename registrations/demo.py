"""Demo contact data for the missions: addresses under example.org, and the heads the seed letter names."""

from datetime import timedelta

from django.db import transaction

from registrations.models import PermanentMission

HEADS = {
    "MEX": ("H.E. Mr.", "Juan José Gómez-Camacho", "Ambassador and Permanent Representative"),
    "CHE": ("H.E. Mr.", "Jürg Lauber", "Ambassador and Permanent Representative"),
}


def demo_email(iso3: str) -> str:
    return f"pm.{iso3.lower()}@missions.example.org"


@transaction.atomic
def demo_missions_load() -> int:
    """Gives each New York mission without an address its demo address; returns how many were filled in."""
    filled = 0
    missions = PermanentMission.objects.filter(duty_station=PermanentMission.DutyStation.NEW_YORK).select_related(
        "state"
    )
    for mission in missions:
        changed = False
        if not mission.emails:
            mission.emails = demo_email(mission.state.iso3)
            filled += 1
            changed = True
        if mission.state.iso3 in HEADS and not mission.head_name:
            mission.head_honorific, mission.head_name, mission.head_title = HEADS[mission.state.iso3]
            changed = True
        if changed:
            mission.save()
    return filled


DEMO_FOCAL_POINTS = {"delegate.mex@example.org": "MEX"}
DEMO_ORGANIZATIONS = {"stakeholder@example.org": ("Migrant Rights Network (demo)", "MRN")}
DEMO_SESSION = "gcm-its-6"


@transaction.atomic
def demo_registrations_load() -> dict:
    """Makes the demo accounts usable with mandatory e-mail verification, names Mexico's focal point, links the
    stakeholder to an organization, keeps the sixth session's registration open and opens speakers lists for its
    panels. Idempotent. Refused outside DEBUG: it works on accounts with a published password."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ImproperlyConfigured
    from django.utils import timezone

    from compact_portal.demo_accounts import DEMO_ACCOUNTS
    from registrations.models import FLOOR_KINDS, Organization, Profile, SpeakersList
    from sessions.models import ThematicSession

    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo accounts have a published password: refused with DJANGO_DEBUG=0.")
    users = {user.email: user for user in get_user_model().objects.filter(email__in=[a.email for a in DEMO_ACCOUNTS])}
    for user in users.values():
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    for email, iso3 in DEMO_FOCAL_POINTS.items():
        if email in users:
            mission = PermanentMission.objects.get(state__iso3=iso3, duty_station=PermanentMission.DutyStation.NEW_YORK)
            Profile.objects.update_or_create(
                user=users[email], defaults={"mission": mission, "organization": None, "is_focal_point": True}
            )
    for email, (name, acronym) in DEMO_ORGANIZATIONS.items():
        if email in users:
            organization, _ = Organization.objects.get_or_create(name=name, defaults={"acronym": acronym})
            Profile.objects.update_or_create(
                user=users[email], defaults={"mission": None, "organization": organization, "is_focal_point": True}
            )
    session = ThematicSession.objects.get(slug=DEMO_SESSION)
    now = timezone.now()
    if session.registration_deadline is None or session.registration_deadline <= now + timedelta(days=7):
        session.registration_deadline = (now + timedelta(days=60)).replace(hour=18, minute=0, second=0, microsecond=0)
        session.save(update_fields=["registration_deadline"])
    lists = 0
    for item in session.agenda_items.filter(kind__in=FLOOR_KINDS):
        _, created = SpeakersList.objects.get_or_create(item=item, defaults={"is_published": True})
        lists += created
    return {"focal_points": len(DEMO_FOCAL_POINTS), "speakers_lists": lists, "deadline": session.registration_deadline}
