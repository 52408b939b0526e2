"""How cost grows with size: admin lists, the board, the participants page and the public pages of a session with
1,000, 10,000 and 100,000 members (each in its own database, loaded once by invitations.demo_scale and kept), timed
in-process with Django's test client as the secretariat, each against its time at 1,000 members in the same run:
one process per size, all kept running, asked for the same page in turn (interleaved), so that the machine's load
falls on every size alike.

    .venv/bin/python bench/sizes.py                       # SQLite files under var/bench/
    .venv/bin/python bench/sizes.py --postgres postgres://postgres@127.0.0.1:5432/bench_sizes   # one database per size
    .venv/bin/python bench/sizes.py --sizes 1000 100000 --repeat 5
    .venv/bin/python bench/sizes.py --sizes 1000 100000 --pages desk board     # only those pages

Prints one row per page: queries and median milliseconds at each size, and the ratio of the largest to the smallest
(target: within 1.5x). Traffic: none (in-process); stops by itself.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    # (name, URL template; {session} is the session's id, {slug} its slug)
    ("admin: registrations", "/admin/registrations/delegationregistration/?session__id__exact={session}"),
    ("admin: registrations (all)", "/admin/registrations/delegationregistration/"),
    ("admin: members", "/admin/registrations/delegationmember/?registration__session__id__exact={session}"),
    ("admin: members (all)", "/admin/registrations/delegationmember/"),
    # (The session's filter above is dropped by Django when there is only one session, as in these databases: that
    # row is the whole list too. This one filters through the registration, 9 members in 10.)
    (
        "admin: members of approved delegations",
        "/admin/registrations/delegationmember/?registration__status__exact=approved",
    ),
    # A name: more found as the crowd grows (5, 64 and 531 at 1,000, 10,000 and 100,000; a page shows 100).
    ("admin: members, search", "/admin/registrations/delegationmember/?q=Diallo"),
    # The same 198 found at every size (the heads of delegation's addresses start with "d1."): the search's own cost.
    ("admin: members, search (198 found at every size)", "/admin/registrations/delegationmember/?q=d1."),
    ("admin: organizations", "/admin/registrations/organization/"),
    ("admin: representatives", "/admin/registrations/representation/?session__id__exact={session}"),
    ("admin: applications", "/admin/registrations/slotapplication/"),
    ("admin: deliveries", "/admin/invitations/delivery/"),
    ("admin: a delegation of the largest size", "/admin/registrations/delegationregistration/{largest}/change/"),
    ("the desk (the admin's index)", "/admin/"),
    ("admin: dispatches", "/admin/invitations/dispatch/"),
    # The session's reminder, to a fifth of the members (200 / 2,000 / 20,000 addresses): its page and its bar.
    ("a dispatch's page (the reminder)", "/admin/invitations/dispatch/{dispatch}/change/"),
    ("a dispatch's progress (progress.json)", "/admin/invitations/dispatch/{dispatch}/progress.json"),
    ("board of answers", "/admin/registrations/missionanswer/?session={session}"),
    ("participants list page", "/admin/registrations/generateddocument/participants/{slug}/"),
    ("session page (cached; as staff)", "/en/sessions/{slug}/"),
    ("dialogue's speakers (cached; as staff)", "/en/sessions/{slug}/dialogue/"),
]


def scale_for(members: int):
    from invitations.demo_scale import Scale

    return Scale(
        slug=f"cop-{members}",
        members=members,
        organizations=max(100, members // 20),
        represented=max(40, members // 50),
        applications=max(100, members // 20),
        recipients=max(200, members // 5),
    )


def serve(members: int) -> None:
    """The child process of one size (its DATABASE_URL and VAR_DIR set by the parent): load once, sign in as the
    secretariat, say "ready" on stdout, then time one request per page name read from stdin, one JSON line each."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compact_portal.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from compact_portal import roles
    from invitations.demo_scale import scale_demo_load
    from invitations.models import Delivery
    from registrations.models import DelegationRegistration

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = scale_demo_load(scale=scale_for(members))
    load_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql" and report.created:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum would make them a minute later
    user, _ = get_user_model().objects.get_or_create(
        username="bench-secretariat@example.org", defaults={"email": "bench-secretariat@example.org", "is_staff": True}
    )
    user.groups.add(Group.objects.get(name=roles.SECRETARIAT), Group.objects.get(name=roles.CO_FACILITATORS))
    client = Client()
    client.force_login(user)
    registrations = DelegationRegistration.objects.filter(session__slug=report.slug)
    session = registrations.values_list("session", flat=True)[0]
    largest = registrations.order_by("-member_count").values_list("pk", flat=True)[0]
    dispatch = Delivery.objects.values_list("dispatch", flat=True).order_by("-dispatch")[0]  # the reminder's
    urls = {
        name: template.format(session=session, slug=report.slug, largest=largest, dispatch=dispatch)
        for name, template in PAGES
    }
    print(json.dumps({"members": members, "load_seconds": load_seconds if report.created else None}), flush=True)
    for line in sys.stdin:
        with CaptureQueriesContext(connection) as captured:
            begin = time.perf_counter()
            response = client.get(urls[line.strip()])
            elapsed = time.perf_counter() - begin
        print(json.dumps({"ms": elapsed * 1000, "queries": len(captured), "status": response.status_code}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL URL; each size gets its own database, <name>_<size>")
    parser.add_argument("--pages", nargs="+", help="only the pages whose name contains one of these words, e.g. desk")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        serve(args.child)
        return
    pages = [(name, url) for name, url in PAGES if not args.pages or any(word in name for word in args.pages)]
    children = []
    try:
        for size in args.sizes:  # loaded one after the other, then kept waiting
            env = dict(os.environ)
            var = ROOT / "var" / "bench" / f"sizes-{size}"
            var.mkdir(parents=True, exist_ok=True)
            env["VAR_DIR"] = str(var)
            if args.postgres:
                env["DATABASE_URL"] = f"{args.postgres}_{size}"
                _create_database(env["DATABASE_URL"])
            else:
                env.pop("DATABASE_URL", None)
            env.pop("REDIS_URL", None)
            child = subprocess.Popen(
                [sys.executable, __file__, "--child", str(size)],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            children.append(child)
            ready = _answer(child)
            load = ready["load_seconds"]
            print(f"{size:>7,} members loaded" + (f" in {load:.0f} s" if load else " (already)"), file=sys.stderr)
        print(f"load average at the start: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
        results = {name: [_interleaved(children, name, args.repeat)] for name, _ in pages}
    finally:
        for child in children:
            child.stdin.close()
            child.wait(timeout=60)
    print(f"load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print("| page | " + " | ".join(f"{size:,} members" for size in args.sizes) + " | largest / smallest |")
    print("|" + "---|" * (len(args.sizes) + 2))
    for name, _ in pages:
        (cells,) = results[name]
        shown = [
            f"{c['ms']:.0f} ms, {c['queries']} q" + ("" if c["status"] == 200 else f" ({c['status']})") for c in cells
        ]
        ratio = cells[-1]["ms"] / cells[0]["ms"] if cells[0]["ms"] else float("nan")
        print(f"| {name} | " + " | ".join(shown) + f" | {ratio:.2f}x |")


def _interleaved(children, name: str, repeat: int) -> list[dict]:
    """One page at every size: a warm-up request each, then `repeat` rounds of one request per size in turn, so
    that load from elsewhere falls on every size alike. Per size: the median time, the queries, the status."""

    def ask(child) -> dict:
        child.stdin.write(name + "\n")
        child.stdin.flush()
        return _answer(child)

    for child in children:
        ask(child)
    timings = [[] for _ in children]
    last = [None for _ in children]
    for _ in range(repeat):
        for index, child in enumerate(children):
            last[index] = ask(child)
            timings[index].append(last[index]["ms"])
    return [
        {"ms": statistics.median(times), "queries": answer["queries"], "status": answer["status"]}
        for times, answer in zip(timings, last, strict=True)
    ]


def _answer(child) -> dict:
    """The child's next JSON line (anything else it prints is passed on)."""
    for line in child.stdout:
        if line.startswith("{"):
            return json.loads(line)
        print(line, end="", file=sys.stderr)
    raise RuntimeError(f"the child process stopped (exit status {child.wait()})")


def _create_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


if __name__ == "__main__":
    main()
