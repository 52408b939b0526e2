"""Benchmark of the long documents made in the background: a session's list of participants (PDF and CSV) and the
confirmation letters of every approved member, at a small and a ten-times-larger size. See bench/README.md.

    .venv/bin/python bench/participants.py [--small N] [--large N] [--letters-small N] [--letters-large N]

A measurement, not a test: it prints each time with the ratio large/small measured in the same run and exits 0
whatever they are (1 only if the benchmark itself broke). Target: time grows linearly, the 10x list within 11x.
The ratio is taken on this process's CPU time (the work is single-threaded and in-process: queries on SQLite, layout,
PDF writing), which other processes on a shared machine barely disturb; wall times are printed beside it.
Everything lives in a temporary VAR_DIR (SQLite), removed at the end; the developer's var/ is never touched.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 11.0  # large/small for ten times the names


def setup(var_dir: Path):
    os.environ.update(
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="compact_portal.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-participants-throwaway-key-not-a-secret-0123456789",
    )
    for name in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from registrations.demo import demo_missions_load
    from registrations.reference import reference_data_load
    from sessions.demo import demo_sessions_load

    call_command("migrate", verbosity=0, interactive=False)
    reference_data_load()
    demo_missions_load()
    demo_sessions_load()


GIVEN = ["Amina", "José", "Olga", "Wei", "Fatima", "Jean-Pierre", "Priya", "Kwame", "Ingrid", "Mateo"]
FAMILY = ["Al-Hashimi", "García López", "Ivanova", "Zhang", "Diallo", "Dubois", "Sharma", "Mensah", "Larsen", "Rossi"]


def populate(session, names: int) -> None:
    """Every mission's delegation approved, `names` members in all, spread evenly, one head each."""
    from django.utils import timezone

    from registrations.models import DelegationMember, DelegationRegistration, PermanentMission
    from registrations.services.delegations import members_recount

    missions = list(PermanentMission.objects.select_related("state").order_by("pk"))
    now = timezone.now()
    registrations = DelegationRegistration.objects.bulk_create(
        DelegationRegistration(
            session=session, mission=mission, status="approved", submitted_at=now, decided_at=now, language="en"
        )
        for mission in missions
    )
    members = []
    for index in range(names):
        registration = registrations[index % len(registrations)]
        first = index < len(registrations)
        members.append(
            DelegationMember(
                registration=registration,
                is_head=first,
                honorific="H.E. Mr." if first else "Ms.",
                given_name=GIVEN[index % len(GIVEN)],
                family_name=f"{FAMILY[(index // 7) % len(FAMILY)]} {index}",
                function="Ambassador and Permanent Representative" if first else "Adviser",
                email=f"member{index}@missions.example.org",
                order=index,
            )
        )
    DelegationMember.objects.bulk_create(members, batch_size=2000)
    members_recount(DelegationRegistration.objects.filter(session=session))


def timed(function, repeat: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds), medians of `repeat` runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        function()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return statistics.median(cpu), statistics.median(wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000, help="names in the small list (default 1,000)")
    parser.add_argument("--large", type=int, default=10000, help="names in the large list (default 10,000)")
    parser.add_argument("--letters-small", type=int, default=100, help="letters in the small zip (default 100)")
    parser.add_argument("--letters-large", type=int, default=1000, help="letters in the large zip (default 1,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each small measurement (median; default 3)")
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="bench-participants-"))
    try:
        print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)", flush=True)
        setup(var_dir)
        from registrations import documents, participants
        from registrations.models import GeneratedDocument
        from sessions.models import ThematicSession

        sessions = list(ThematicSession.objects.order_by("number"))
        sizes = {
            "small": (sessions[0], args.small),
            "large": (sessions[1], args.large),
            "letters-small": (sessions[2], args.letters_small),
            "letters-large": (sessions[3], args.letters_large),
        }
        for session, names in sizes.values():
            populate(session, names)
        participants.participants_pdf(sessions[4])  # warm-up: fonts and stylesheets loaded once per process

        def zip_of(session):
            document = GeneratedDocument.objects.create(session=session, kind="letters_zip")
            documents.document_generate(document_id=document.pk)

        for label, function, small, large in (
            ("list of participants, PDF", participants.participants_pdf, "small", "large"),
            ("list of participants, CSV", participants.participants_csv, "small", "large"),
            ("confirmation letters, zip", zip_of, "letters-small", "letters-large"),
        ):
            (small_session, small_names), (large_session, large_names) = sizes[small], sizes[large]
            small_cpu, small_wall = timed(lambda s=small_session, f=function: f(s), args.repeat)
            large_cpu, large_wall = timed(lambda s=large_session, f=function: f(s), 1)
            ratio = large_cpu / small_cpu
            expected = large_names / small_names
            target = TARGET * expected / 10
            print(
                f"{label}: {small_names:,} names {small_cpu:.2f} s CPU ({small_wall:.2f} s wall), "
                f"{large_names:,} names {large_cpu:.2f} s CPU ({large_wall:.2f} s wall): "
                f"{ratio:.2f}x for {expected:g}x the names (target ≤ {target:g}x) "
                f"{'ok' if ratio <= target else 'OVER'}",
                flush=True,
            )
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
        return 0
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
