"""The reference data the portal ships: regional groups, the 193 Member States, the 2 non-member Observer
States (data/states.csv, from public UN facts) and one Permanent Mission per State in New York."""

import csv
from datetime import date
from pathlib import Path

from django.db import transaction

from registrations.models import PermanentMission, RegionalGroup, State

STATES_CSV = Path(__file__).parent / "data" / "states.csv"

REGIONAL_GROUPS = {
    "AFRICAN": ("African States", "African"),
    "ASIA_PACIFIC": ("Asia-Pacific States", "Asia-Pacific"),
    "EASTERN_EUROPEAN": ("Eastern European States", "EEG"),
    "GRULAC": ("Latin American and Caribbean States", "GRULAC"),
    "WEOG": ("Western European and other States", "WEOG"),
}

# English short names read with "the" in running text: "Permanent Mission of the Netherlands".
_TAKES_ARTICLE = (
    "Bahamas",
    "Comoros",
    "Gambia",
    "Maldives",
    "Marshall Islands",
    "Niger",
    "Philippines",
    "Solomon Islands",
    "Sudan",
    "Congo",
    "Netherlands (Kingdom of the)",
    "Holy See",
)
_ARTICLE_PREFIXES = (
    "Republic",
    "United",
    "Democratic",
    "Russian",
    "Syrian",
    "Lao",
    "Dominican Republic",
    "Central African",
    "State of",
)


def name_in_running_text(name_en: str) -> str:
    """The name as it reads after "of": "Mexico", but "the Republic of Korea"."""
    if name_en in _TAKES_ARTICLE or name_en.startswith(_ARTICLE_PREFIXES):
        return f"the {name_en}"
    return name_en


def mission_name(state: State) -> str:
    kind = "Permanent Observer Mission" if state.membership == State.Membership.OBSERVER else "Permanent Mission"
    return f"{kind} of {name_in_running_text(state.name_en)} to the United Nations"


def read_states_csv(path: Path = STATES_CSV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_data_load(*, path: Path = STATES_CSV) -> dict[str, int]:
    """Creates or updates groups and States from the CSV, and adds a New York mission to each State that has none.

    Idempotent. Missions that exist are left as the secretariat edited them. Returns counts of what was created.
    """
    groups = {}
    for code, (name, short_name) in REGIONAL_GROUPS.items():
        groups[code], _ = RegionalGroup.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short_name}
        )

    created = {"states": 0, "missions": 0}
    for row in read_states_csv(path):
        state, was_created = State.objects.update_or_create(
            iso3=row["iso3"],
            defaults={
                "iso2": row["iso2"],
                "name_en": row["name_en"],
                "name_fr": row["name_fr"],
                **{column: row.get(column, "") for column in ("name_ar", "name_zh", "name_ru", "name_es")},
                "membership": row["membership"],
                "regional_group": groups[row["regional_group"]] if row["regional_group"] else None,
                "admitted": date.fromisoformat(row["admitted"]) if row["admitted"] else None,
            },
        )
        created["states"] += was_created
        _, mission_created = PermanentMission.objects.get_or_create(
            state=state, duty_station=PermanentMission.DutyStation.NEW_YORK, defaults={"name": mission_name(state)}
        )
        created["missions"] += mission_created
    return created
