"""Loads the demo process, its six 2017 informal thematic sessions and the sixth session's programme from
data/gcm-2017.json (public facts; see README). Idempotent: each row is found by its natural key."""

import json
from datetime import date, time
from pathlib import Path

from django.db import transaction

from sessions.models import AgendaItem, CoFacilitator, ItemRole, Person, Process, ThematicSession, Venue

DATA = Path(__file__).parent / "data" / "gcm-2017.json"


def _saved(model, lookup: dict, values: dict):
    """update_or_create, with the model's validation run before the write."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    for field, value in values.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def demo_sessions_load(*, path: Path = DATA) -> ThematicSession:
    """Returns the sixth session, the one the seed letter invites to."""
    data = json.loads(path.read_text(encoding="utf-8"))
    process = _saved(Process, {"name": data["process"]["name"]}, data["process"])
    venues = {
        key: _saved(Venue, {k: v[k] for k in ("duty_station", "building", "room")}, v)
        for key, v in data["venues"].items()
    }
    people = {
        key: _saved(Person, {k: p[k] for k in ("given_name", "family_name", "title", "affiliation")}, p)
        for key, p in data["people"].items()
    }
    session = None
    for entry in data["sessions"]:
        session = _saved(
            ThematicSession,
            {"slug": entry["slug"]},
            {
                "process": process,
                "number": entry["number"],
                "title": entry["title"],
                "start_date": date.fromisoformat(entry["start_date"]),
                "end_date": date.fromisoformat(entry["end_date"]),
                "venue": venues[entry["venue"]],
                "status": entry["status"],
                "translations": entry.get("translations", {}),
            },
        )
        for order, key in enumerate(data["co_facilitators"]):
            _saved(CoFacilitator, {"session": session, "person": people[key]}, {"order": order})
        for item_data in entry.get("programme", []):
            item = _saved(
                AgendaItem,
                {"session": session, "day": date.fromisoformat(item_data["day"]), "title": item_data["title"]},
                {
                    "start_time": time.fromisoformat(item_data["start"]),
                    "end_time": time.fromisoformat(item_data["end"]),
                    "kind": item_data["kind"],
                    "description": item_data["description"],
                    "tentative": item_data["tentative"],
                    "translations": item_data.get("translations", {}),
                },
            )
            for order, (person_key, role) in enumerate(item_data["roles"]):
                _saved(ItemRole, {"item": item, "person": people[person_key], "role": role}, {"order": order})
    return session
