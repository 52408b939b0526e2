"""A burst of dialogue applications: N accredited organizations' focal points apply for a speaking slot at the same
moment from 100 concurrent clients (each: GET the form, POST it), against 2 gunicorn processes, PostgreSQL and
Redis (DJANGO_DEBUG=0), 127.0.0.1 only; then counts what the database holds. Throughput against a trivial view
(/i18n/setlang/, wrk, 50 connections) measured in the same run.

    .venv/bin/python bench/burst.py                         # 5,000 applications, database wt_scale_bench_burst
    .venv/bin/python bench/burst.py --applications 500 --clients 50

Target: 0 errors, 0 lost (every application in the database once, arrivals numbered 1..N without a gap), and
requests at >= 25% of the trivial view's throughput. Bounded: the burst stops after --timeout seconds.
The trivial view is measured before, between and after the bursts; each burst is compared with the mean of the
measures on either side of it (the machine's load changes during a long run). CPU time is counted per process kind
over each burst and each trivial measure (/proc): the gunicorn processes with their PDF checkers, PostgreSQL's
backends of the bench's database, the bench's client threads; divided by the requests served.
Then (--submissions N, default 2,000; 0 skips it) N missions' focal points submit their delegation registration
(a draft each, one per mission and session over as many open sessions as needed) from the same clients: GET the form,
POST it with the head, one member and a note verbale (a one-page PDF, multipart) and "submit"; then the database is
counted: every registration submitted once, with its two members and its note verbale.
"""

import argparse
import http.client
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The virtualenv running the bench (python and gunicorn): a worktree may have no .venv of its own.
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pages import _create_database, _environment, _wrk  # noqa: E402

SLUG = "cop-burst-{}"  # one session per burst size: its organizations have not applied elsewhere


def _session_store():
    """A session of the configured engine (in Redis too with cached_db), as a sign-in makes it."""
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore()


def prepare(applications: int) -> dict:
    """In a child process with the bench's environment: the session and its organizations (loaded once), no
    application yet, and a signed-in session cookie per focal point."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compact_portal.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from invitations.demo_scale import Scale, scale_demo_load
    from registrations.models import Dialogue, Profile, SlotApplication

    slug = SLUG.format(applications)
    scale = Scale(slug=slug, members=1_000, organizations=applications, represented=0, applications=0, recipients=0)
    scale_demo_load(scale=scale)
    dialogue = Dialogue.objects.get(session__slug=slug)
    SlotApplication.objects.filter(dialogue=dialogue).delete()
    Dialogue.objects.filter(pk=dialogue.pk).update(next_sequence=0)
    theme = dialogue.session.agenda_items.filter(kind="panel").values_list("pk", flat=True).first()
    profiles = (
        Profile.objects.filter(is_focal_point=True, user__email__endswith=f"@{slug}.example.org")
        .select_related("user")
        .order_by("pk")[:applications]
    )
    cookies = []
    for profile in profiles:
        store = _session_store()
        store[SESSION_KEY] = str(profile.user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = profile.user.get_session_auth_hash()
        store.create()
        cookies.append(store.session_key)
    return {"dialogue": dialogue.pk, "theme": theme, "cookies": cookies}


def prepare_submissions(submissions: int, var_dir: str) -> dict:
    """N draft delegation registrations, each with a focal point of its own and a signed-in session cookie; the
    sessions they belong to are copies of the demo's sixth session, open for registration."""
    import math
    from datetime import timedelta

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compact_portal.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.utils import timezone
    from weasyprint import HTML

    from registrations.models import DelegationRegistration, PermanentMission, Profile
    from sessions.models import ThematicSession

    User = get_user_model()
    stamp = int(time.time())
    missions = list(PermanentMission.objects.order_by("pk"))
    template = ThematicSession.objects.get(slug="gcm-its-6")
    first_number = (ThematicSession.objects.filter(process=template.process).order_by("-number").first().number) + 1
    sessions = []
    for index in range(math.ceil(submissions / len(missions))):
        session = ThematicSession.objects.get(pk=template.pk)
        session.pk = session.id = None
        session.slug = f"burst-{stamp}-{index}"
        session.number = first_number + index
        session.status = ThematicSession.Status.PUBLISHED
        session.registration_deadline = timezone.now() + timedelta(days=30)
        session.save()
        sessions.append(session)
    pairs = [(session, mission) for session in sessions for mission in missions][:submissions]
    users = User.objects.bulk_create(
        User(username=f"burst-{stamp}-{n}", email=f"burst-{stamp}-{n}@missions.example.org") for n in range(len(pairs))
    )
    Profile.objects.bulk_create(
        Profile(user=user, mission=pair[1], is_focal_point=True) for user, pair in zip(users, pairs, strict=True)
    )
    registrations = DelegationRegistration.objects.bulk_create(
        DelegationRegistration(session=session, mission=mission, created_by=user)
        for user, (session, mission) in zip(users, pairs, strict=True)
    )
    plans = []
    for user, registration in zip(users, registrations, strict=True):
        store = _session_store()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        plans.append((store.session_key, registration.pk))
    pdf = Path(var_dir) / "note-verbale.pdf"
    pdf.write_bytes(HTML(string="<p>The Permanent Mission presents its compliments…</p>").write_pdf())
    return {"submissions": plans, "pdf": str(pdf), "sessions": [session.pk for session in sessions]}


def count_submissions(sessions: list[int]) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compact_portal.settings")
    django.setup()
    from django.db.models import Count

    from registrations.models import DelegationRegistration

    rows = DelegationRegistration.objects.filter(session_id__in=sessions).annotate(n=Count("members"))
    statuses: dict[str, int] = {}
    for status in rows.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "rows": rows.count(),
        "statuses": statuses,
        "complete": rows.filter(status="submitted", n=2).exclude(note_verbale="").count(),
    }


def submissions_burst(*, port: int, plan: dict, clients: int, timeout: float) -> dict:
    work = queue.Queue()
    for item in plan["submissions"]:
        work.put(item)
    pdf = Path(plan["pdf"]).read_bytes()
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + timeout
    boundary = "----bench-burst-boundary"

    def multipart(fields: dict) -> bytes:
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="note_verbale"; filename="note-verbale.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + pdf
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            try:
                cookie, pk = work.get_nowait()
            except queue.Empty:
                return
            path = f"/en/delegation/registrations/{pk}/edit/"
            started = time.perf_counter()
            outcome = "ok"
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
                response = connection.getresponse()
                page = response.read().decode()
                csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                if response.status != 200 or not csrf_cookie or not token:
                    outcome = f"GET {response.status}"
                else:
                    body = multipart(
                        {
                            "csrfmiddlewaretoken": token.group(1),
                            "head-honorific": "H.E. Ms.",
                            "head-given_name": "Amina",
                            "head-family_name": "Mensah",
                            "head-function": "Permanent Representative",
                            "head-email": "",
                            "head-attendance": "in_person",
                            "members-TOTAL_FORMS": "1",
                            "members-INITIAL_FORMS": "0",
                            "members-MIN_NUM_FORMS": "0",
                            "members-MAX_NUM_FORMS": "1000",
                            "members-0-honorific": "Mr.",
                            "members-0-given_name": "Kofi",
                            "members-0-family_name": "Boateng",
                            "members-0-function": "Counsellor",
                            "members-0-email": "",
                            "members-0-attendance": "in_person",
                            "submit": "1",
                        }
                    )
                    headers = {
                        "Cookie": f"sessionid={cookie}; csrftoken={csrf_cookie.group(1)}",
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                    }
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 302:
                        outcome = f"POST {response.status}"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                results.append((outcome, time.perf_counter() - started))

    return _run_clients(client, clients=clients, results=results, left=work)


def count(dialogue: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compact_portal.settings")
    django.setup()
    from registrations.models import SlotApplication

    rows = list(SlotApplication.objects.filter(dialogue_id=dialogue).values_list("organization_id", "sequence"))
    return {
        "rows": len(rows),
        "organizations": len({organization for organization, _ in rows}),
        "sequences_from_1_without_gap": sorted(sequence for _, sequence in rows) == list(range(1, len(rows) + 1)),
    }


def burst(*, port: int, plan: dict, clients: int, timeout: float) -> dict:
    work = queue.Queue()
    for cookie in plan["cookies"]:
        work.put(cookie)
    path = f"/en/stakeholders/dialogues/{plan['dialogue']}/apply/"
    results, lock = [], threading.Lock()
    deadline = time.monotonic() + timeout

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            try:
                cookie = work.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            outcome = "ok"
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
                response = connection.getresponse()
                page = response.read().decode()
                csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                if response.status != 200 or not csrf_cookie or not token:
                    outcome = f"GET {response.status}"
                else:
                    body = urllib.parse.urlencode(
                        {
                            "csrfmiddlewaretoken": token.group(1),
                            "speaker_name": "Amina Mensah",
                            "speaker_function": "Director",
                            "speaker_email": "",
                            "theme": plan["theme"] or "",
                            "summary": "What the parties can do for climate mobility this session.",
                        }
                    )
                    headers = {
                        "Cookie": f"sessionid={cookie}; csrftoken={csrf_cookie.group(1)}",
                        "Content-Type": "application/x-www-form-urlencoded",
                    }
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 302:
                        outcome = f"POST {response.status}"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                results.append((outcome, time.perf_counter() - started))

    return _run_clients(client, clients=clients, results=results, left=work)


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children it has reaped (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _postgres_backends(database: str) -> list[int]:
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(database)
    connection = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [parts.path.lstrip("/")])
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


class CpuMeter:
    """CPU seconds spent by the web processes (gunicorn and its PDF checkers), PostgreSQL's backends of the bench's
    database and this process (the client threads) between `start()` and `stop()`. The backends are read every half
    second as well: Django closes a connection after CONN_MAX_AGE (60 s), and a backend's CPU is counted up to its
    last reading."""

    def __init__(self, server_pid: int, database: str):
        self.server_pid, self.database = server_pid, database

    def _postgres(self) -> dict[int, float]:
        return {pid: _cpu_seconds(pid) for pid in _postgres_backends(self.database)}

    def _watch(self) -> None:
        while not self.stopped.wait(0.5):
            for pid, seconds in self._postgres().items():
                if seconds:
                    self.postgres_last[pid] = seconds

    def start(self) -> None:
        self.web_before = sum(_cpu_seconds(pid) for pid in _descendants(self.server_pid))
        self.postgres_first = self._postgres()
        self.postgres_last = dict(self.postgres_first)
        usage = os.times()
        self.client_before = usage.user + usage.system
        self.stopped = threading.Event()
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()

    def stop(self) -> dict:
        self.stopped.set()
        self.watcher.join()
        for pid, seconds in self._postgres().items():
            if seconds:
                self.postgres_last[pid] = seconds
        usage = os.times()
        return {
            "web": sum(_cpu_seconds(pid) for pid in _descendants(self.server_pid)) - self.web_before,
            "postgres": sum(last - self.postgres_first.get(pid, 0.0) for pid, last in self.postgres_last.items()),
            "client": usage.user + usage.system - self.client_before,
        }


def _run_clients(client, *, clients: int, results: list, left: queue.Queue) -> dict:
    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for _, seconds in results)
    errors = {}
    for outcome, _ in results:
        if outcome != "ok":
            errors[outcome] = errors.get(outcome, 0) + 1
    return {
        "done": len(results),
        "not_sent": left.qsize(),
        "errors": errors,
        "seconds": elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else 0,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else 0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/wt_scale_bench_burst")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--port", type=int, default=8648)
    parser.add_argument("--applications", type=int, default=5_000)
    parser.add_argument("--submissions", type=int, default=2_000, help="delegation submissions (0: none)")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--child", choices=["prepare", "count", "prepare-submissions", "count-submissions"], help=argparse.SUPPRESS
    )
    parser.add_argument("--dialogue", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sessions", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "prepare-submissions":
        print(json.dumps(prepare_submissions(args.submissions, os.environ["VAR_DIR"])))
        return
    if args.child == "count-submissions":
        print(json.dumps(count_submissions([int(pk) for pk in args.sessions.split(",")])))
        return
    if args.child == "prepare":
        print(json.dumps(prepare(args.applications)))
        return
    if args.child == "count":
        print(json.dumps(count(args.dialogue)))
        return

    args.seconds, args.connections = 10, 50
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    env = _environment(args)
    env["VAR_DIR"] = str(ROOT / "var" / "bench" / "burst")
    Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    _create_database(args.database)
    python = BIN / "python"
    for command in (["migrate", "-v0"], ["demo", "--no-accounts"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)

    def child(*extra) -> dict:
        output = subprocess.run(
            [python, __file__, *extra], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=900
        ).stdout
        return json.loads(output.strip().splitlines()[-1])

    plan = child("--child", "prepare", "--applications", str(args.applications)) if args.applications else None
    submissions_plan = (
        child("--child", "prepare-submissions", "--submissions", str(args.submissions)) if args.submissions else None
    )
    server = subprocess.Popen(
        [BIN / "gunicorn", "compact_portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{args.port}",
         "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        import urllib.request

        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/i18n/setlang/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        meter = CpuMeter(server.pid, args.database)

        def trivial_measure() -> dict:
            meter.start()
            measured = _wrk(base + "/i18n/setlang/", seconds=10, connections=50)
            measured["cpu"] = meter.stop()
            measured["requests"] = measured["rps"] * 10
            return measured

        def measured_burst(run, plan_) -> dict | None:
            if not plan_:
                return None
            meter.start()
            outcome = run(port=args.port, plan=plan_, clients=args.clients, timeout=args.timeout)
            outcome["cpu"] = meter.stop()
            outcome["requests"] = 2 * outcome["done"]
            return outcome

        trivials = [trivial_measure()]
        result = measured_burst(burst, plan)
        if result:
            trivials.append(trivial_measure())
        submitted = measured_burst(submissions_burst, submissions_plan)
        if submitted:
            trivials.append(trivial_measure())
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{args.clients} clients, 2 gunicorn processes, PostgreSQL, Redis; load average before: {load_before}, "
        f"after: {load}"
    )
    print("| measure | result |")
    print("|---|---|")
    print(
        "| trivial view, wrk 50 connections, before / between / after the bursts | "
        + " / ".join(f"{t['rps']:.0f}" for t in trivials)
        + " requests/s |"
    )
    print(f"| CPU per trivial request (first measure; its client is wrk) | {_cpu_per_request(trivials[0])} |")
    if result:
        stored = child("--child", "count", "--dialogue", str(plan["dialogue"]))
        _print_burst("applications", result, trivials[0:2])
        lost = len(plan["cookies"]) - stored["rows"]
        print(
            f"| applications in the database | {stored['rows']} of {stored['organizations']} organizations, "
            f"lost {lost}, arrivals 1..{stored['rows']} without a gap: {stored['sequences_from_1_without_gap']} |"
        )
    if submitted:
        stored = child("--child", "count-submissions", "--sessions", ",".join(map(str, submissions_plan["sessions"])))
        _print_burst("delegation submissions", submitted, trivials[-2:])
        lost = len(submissions_plan["submissions"]) - stored["complete"]
        print(
            f"| submissions in the database | {stored['rows']} registrations {stored['statuses']}; "
            f"{stored['complete']} submitted with their 2 members and note verbale; lost {lost} |"
        )


def _cpu_per_request(measured: dict) -> str:
    """Milliseconds of CPU per request served, by process kind (the trivial view's client is wrk, not counted)."""
    cpu = {kind: seconds * 1000 / max(measured["requests"], 1) for kind, seconds in measured["cpu"].items()}
    return f"web {cpu['web']:.1f} ms, PostgreSQL {cpu['postgres']:.1f} ms, client {cpu['client']:.1f} ms"


def _print_burst(what: str, result: dict, trivials: list[dict]) -> None:
    requests_per_second = 2 * result["done"] / result["seconds"]
    trivial = statistics.mean(t["rps"] for t in trivials)
    print(
        f"| {what} (GET form + POST) | {result['done']} in {result['seconds']:.1f} s: "
        f"{result['done'] / result['seconds']:.1f}/s, {requests_per_second:.0f} requests/s "
        f"({requests_per_second / trivial:.0%} of the trivial view's {trivial:.0f}/s measured around it) |"
    )
    print(f"| latency per {what[:-1]} (GET + POST) | p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms |")
    print(f"| CPU per request of the {what} | {_cpu_per_request(result)} |")
    print(f"| errors | {sum(result['errors'].values())} {result['errors'] or ''} (not sent: {result['not_sent']}) |")


if __name__ == "__main__":
    sys.exit(main())
