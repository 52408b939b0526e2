"""The reference data the portal ships: regional groups, the 193 Member States, the 2 non-member Observer
States (data/states.csv, from public UN facts) and one Permanent Mission per State in New York, named in English and,
from data/mission_names.csv, in French and Spanish (UN short names with the articles each language's UN usage gives
them: "Mission permanente du Mexique", "Misión Permanente del Perú") and in Arabic and Chinese (generated from the
State names by scripts/mission_names.py: "البعثة الدائمة لمصر لدى الأمم المتحدة", "埃及常驻联合国代表团"). No
Russian names: they need the State's name in the genitive case; Russian letters name the mission in English."""

import csv
from datetime import date
from pathlib import Path

from django.db import transaction

from registrations.models import PermanentMission, RegionalGroup, State

STATES_CSV = Path(__file__).parent / "data" / "states.csv"
MISSION_NAMES_CSV = Path(__file__).parent / "data" / "mission_names.csv"

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
    A handful of queries whatever the number of States (bulk reads and writes): the test suite and the scale demo
    load it often.
    """
    groups = {}
    for code, (name, short_name) in REGIONAL_GROUPS.items():
        groups[code], _ = RegionalGroup.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short_name}
        )

    rows = read_states_csv(path)
    existing = State.objects.in_bulk([row["iso3"] for row in rows], field_name="iso3")
    new_states, changed_states = [], []
    for row in rows:
        group = groups[row["regional_group"]] if row["regional_group"] else None
        values = {
            "iso2": row["iso2"],
            "name_en": row["name_en"],
            "name_fr": row["name_fr"],
            **{column: row.get(column, "") for column in ("name_ar", "name_zh", "name_ru", "name_es")},
            "membership": row["membership"],
            "regional_group_id": group.pk if group else None,
            "admitted": date.fromisoformat(row["admitted"]) if row["admitted"] else None,
        }
        state = existing.get(row["iso3"])
        if state is None:
            new_states.append(State(iso3=row["iso3"], **values))
        elif any(getattr(state, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(state, field, value)
            changed_states.append(state)
    State.objects.bulk_create(new_states)
    State.objects.bulk_update(changed_states, [field.removesuffix("_id") for field in values])

    states = [*existing.values(), *new_states]
    with_mission = set(
        PermanentMission.objects.filter(duty_station=PermanentMission.DutyStation.NEW_YORK).values_list(
            "state_id", flat=True
        )
    )
    names = read_mission_names()
    new_missions = [
        PermanentMission(
            state=state,
            duty_station=PermanentMission.DutyStation.NEW_YORK,
            name=mission_name(state),
            correspondence_language=official_language(state.iso3),
            translations=_with_names({}, names.get(state.iso3, {})),
        )
        for state in states
        if state.pk not in with_mission
    ]
    PermanentMission.objects.bulk_create(new_missions)
    if with_mission:
        mission_names_load(names=names)
    return {"states": len(new_states), "missions": len(new_missions)}


def read_mission_names(path: Path = MISSION_NAMES_CSV) -> dict[str, dict[str, str]]:
    """{"FRA": {"fr": "Mission permanente de la France…", "es": "Misión Permanente de Francia…"}, …}: the New York
    missions' names in the languages of data/mission_names.csv (a column name_<language> each)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row.pop("iso3"): {column.removeprefix("name_").replace("_", "-"): name for column, name in row.items()}
            for row in csv.DictReader(handle)
        }


def _with_names(translations: dict, names: dict[str, str]) -> dict:
    """`translations` with each of `names` added where the mission has no name in that language yet."""
    result = dict(translations or {})
    for language, name in names.items():
        if name and not (result.get(language) or {}).get("name"):
            result[language] = {**result.get(language, {}), "name": name}
    return result


def mission_names_load(*, names: dict[str, dict[str, str]] | None = None) -> int:
    """Gives the New York missions their names from data/mission_names.csv in the languages where they have none: a
    name the secretariat entered is kept. Returns how many missions changed (one bulk write)."""
    names = read_mission_names() if names is None else names
    changed = []
    missions = PermanentMission.objects.filter(
        duty_station=PermanentMission.DutyStation.NEW_YORK, state__iso3__in=list(names)
    ).select_related("state")
    for mission in missions:
        translations = _with_names(mission.translations, names[mission.state.iso3])
        if translations != mission.translations:
            mission.translations = translations
            changed.append(mission)
    PermanentMission.objects.bulk_update(changed, ["translations"])
    return len(changed)


# The State's official language where it is one of the UN's six (the first where several are), for the missions'
# language of correspondence; English for every other State. The secretariat corrects a mission in the admin.
_OFFICIAL_LANGUAGES = {
    "ar": "ARE BHR DZA EGY IRQ JOR KWT LBN LBY MAR MRT OMN PSE QAT SAU SDN SOM SYR TUN YEM",
    "es": "ARG BOL CHL COL CRI CUB DOM ECU ESP GNQ GTM HND MEX NIC PAN PER PRY SLV URY VEN",
    "fr": "BDI BEL BEN BFA CAF CHE CIV CMR COD COG COM DJI FRA GAB GIN HTI LUX MCO MDG MLI NER SEN TCD TGO",
    "ru": "BLR KAZ KGZ RUS",
    "zh-hans": "CHN",
}
OFFICIAL_LANGUAGE = {iso3: language for language, codes in _OFFICIAL_LANGUAGES.items() for iso3 in codes.split()}


def official_language(iso3: str) -> str:
    """e.g. FRA fr, MEX es, DEU en: the mission's language of correspondence unless the secretariat sets another."""
    return OFFICIAL_LANGUAGE.get(iso3, "en")
