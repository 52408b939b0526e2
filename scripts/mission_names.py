#!/usr/bin/env python3
"""Writes the New York missions' names in Arabic and Chinese into registrations/data/mission_names.csv (columns
name_ar and name_zh_hans), from the State names in registrations/data/states.csv, as United Nations usage writes them:

- Chinese: "<State>常驻联合国代表团" ("埃及常驻联合国代表团"); an observer State "<State>常驻联合国观察员代表团".
- Arabic: "البعثة الدائمة ل<State> لدى الأمم المتحدة", the preposition لـ joined to the name ("لمصر", "لفرنسا"); a
  name that begins with the article ال loses its alif to it, ل + ال = لل ("للأرجنتين", "للمملكة المتحدة"). An
  observer State: "بعثة المراقب الدائم ل<State> لدى الأمم المتحدة".

The French and Spanish columns are kept as they are (written by hand, with each language's articles). Russian is not
generated: it needs the State's name in the genitive case, which no rule here can give. Run again after states.csv
changes, review the diff, commit the file:

    .venv/bin/python scripts/mission_names.py
"""

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "registrations" / "data"
STATES_CSV, MISSION_NAMES_CSV = DATA / "states.csv", DATA / "mission_names.csv"


def arabic_of(state: str) -> str:
    """The preposition لـ ("of", "for") joined to an Arabic State name: "لمصر", "للأرجنتين" (ل + الأرجنتين)."""
    return "ل" + (state[1:] if state.startswith("ال") else state)


def arabic_name(state: str, *, observer: bool = False) -> str:
    kind = "بعثة المراقب الدائم" if observer else "البعثة الدائمة"
    return f"{kind} {arabic_of(state)} لدى الأمم المتحدة"


def chinese_name(state: str, *, observer: bool = False) -> str:
    return f"{state}常驻联合国{'观察员' if observer else ''}代表团"


def main() -> int:
    with STATES_CSV.open(encoding="utf-8", newline="") as handle:
        states = {row["iso3"]: row for row in csv.DictReader(handle)}
    with MISSION_NAMES_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, fields = list(reader), list(reader.fieldnames)
    fields += [column for column in ("name_ar", "name_zh_hans") if column not in fields]
    for row in rows:
        state = states[row["iso3"]]
        observer = state["membership"] == "observer"
        row["name_ar"] = arabic_name(state["name_ar"], observer=observer)
        row["name_zh_hans"] = chinese_name(state["name_zh"], observer=observer)
    with MISSION_NAMES_CSV.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{MISSION_NAMES_CSV}: {len(rows)} missions, names in ar and zh-hans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
