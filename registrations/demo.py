"""Demo contact data for the missions: addresses under example.org, and the heads the seed letter names."""

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
