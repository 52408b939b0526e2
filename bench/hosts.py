"""Several hosts' worth of processes: 2 web processes (gunicorn), 3 Celery workers with distinct node names and 1
beat against one PostgreSQL and one Redis send one letter to a CSV of N addresses (default 20,000) through a local
SMTP sink (aiosmtpd, in a thread of this script); one worker's main process is killed (SIGKILL) mid-way.

It reports: every address once (or in the documented window: the SMTP server accepted the message and the worker
died before recording it, README "Sending letters"), the throughput (letters/s from the dispatch to the last
letter), and how long the deliveries the killed worker held waited (from the kill to their letter accepted).

    .venv/bin/python bench/hosts.py                       # 20,000 addresses: about an hour on a shared 2-core machine
    .venv/bin/python bench/hosts.py --addresses 2000      # a quick run
    .venv/bin/python bench/hosts.py --database postgres://postgres@127.0.0.1:5432/bench_hosts --redis \\
        redis://127.0.0.1:6379/10 --kill-at 0.3 --timeout 3600

The database (dropped and made again at the start, dropped at the end unless --keep) and the Redis database (emptied
at the start and at the end: give it one nobody else uses) are the script's own. Traffic only to 127.0.0.1. Bounded
by --timeout; every process it started is stopped at the end, also on error or Ctrl-C. Exits 0 whatever the figures
(1 only if the benchmark itself broke).
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = ("w1", "w2", "w3")


def say(text: str = "") -> None:
    print(text, flush=True)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sink:
    """Accepts every message; records when each recipient's copy was accepted (monotonic time)."""

    def __init__(self):
        self.accepted: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.monotonic()
        with self.lock:
            self.accepted.extend((now, recipient.lower()) for recipient in envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def snapshot(self) -> list[tuple[float, str]]:
        with self.lock:
            return list(self.accepted)


def _postgres(url: str, statement: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"a plain database name, please: {name!r}")
    return name


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()  # the script's own database (--redis), never FLUSHALL


def environment(args, *, smtp_port: int, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("EMAIL_URL", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        VAR_DIR=str(var_dir),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-hosts-throwaway-key-not-a-secret-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}?timeout=120",
    )
    return env


def portal_setup():
    """migrate and the demo's reference data, missions, sessions and letters, in this process (the operator)."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compact_portal.settings")
    django.setup()
    from django.core.management import call_command

    from invitations.demo import demo_letters_load
    from registrations.demo import demo_missions_load
    from registrations.reference import reference_data_load
    from sessions.demo import demo_sessions_load

    call_command("migrate", verbosity=0, interactive=False)
    reference_data_load()
    demo_missions_load()
    return demo_letters_load(session=demo_sessions_load())[0]


def start(name: str, command: list[str], *, env, var_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=(var_dir / f"{name}.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group of its own: stopped as a whole at the end
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # what is left of its group (e.g. a killed worker's children)
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def wait_for(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise RuntimeError(f"gave up after {seconds:g} s waiting for {what}")


def main() -> int:
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: one line per SMTP command otherwise
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addresses", type=int, default=20_000)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/bench_hosts")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10", help="a Redis database nobody else uses")
    parser.add_argument("--kill-at", type=float, default=0.3, help="kill a worker once this share is sent")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes per worker (default 1)")
    parser.add_argument("--timeout", type=float, default=3600, help="give up after this many seconds of sending")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()
    database_name(args.database)
    if urlsplit(args.redis).hostname not in ("127.0.0.1", "localhost") or not urlsplit(args.redis).path.strip("/"):
        raise SystemExit("--redis: a numbered database on 127.0.0.1, e.g. redis://127.0.0.1:6379/10")

    from aiosmtpd.controller import Controller

    var_dir = ROOT / "var" / "bench" / "hosts"
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    smtp_port, web_port = free_port(), free_port()
    env = environment(args, smtp_port=smtp_port, var_dir=var_dir)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    say(f"bench/hosts.py: {os.cpu_count()} CPUs, load average {load()}; {args.addresses:,} addresses")

    name = database_name(args.database)
    _postgres(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _postgres(args.database, f'CREATE DATABASE "{name}"')
    redis_flush(args.redis)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    processes: dict[str, subprocess.Popen] = {}
    try:
        started = time.monotonic()
        letter = portal_setup()
        say(f"portal ready in {time.monotonic() - started:.0f} s (migrate, reference data, missions, letters)")
        from django.db import connection

        from invitations.dispatch import dispatch_create
        from invitations.selectors import dispatch_progress
        from outbox import workers
        from outbox.models import OutgoingMail

        Status = OutgoingMail.Status

        processes["web"] = start(
            "web",
            [str(BIN / "gunicorn"), "compact_portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{web_port}",
             "--log-level", "warning"],
            env=env, var_dir=var_dir,
        )  # fmt: skip
        for node in WORKERS:
            processes[node] = start(
                node,
                [str(BIN / "celery"), "-A", "compact_portal", "worker", "-n", f"{node}@%h", "--concurrency",
                 str(args.concurrency), "--pool", "prefork", "--loglevel", "INFO"],
                env=env, var_dir=var_dir,
            )  # fmt: skip
        processes["beat"] = start(
            "beat",
            [str(BIN / "celery"), "-A", "compact_portal", "beat", "--loglevel", "INFO",
             "--schedule", str(var_dir / "celerybeat-schedule")],
            env=env, var_dir=var_dir,
        )  # fmt: skip
        home = f"http://127.0.0.1:{web_port}/en/"
        wait_for(lambda: _responds(home), seconds=120, what="the web processes")
        wait_for(
            lambda: len(workers.alive_workers()) >= len(WORKERS) * (1 + args.concurrency),
            seconds=300,
            what="every worker process's heartbeat",
        )
        say(f"up: 2 web processes (gunicorn :{web_port}), workers {', '.join(WORKERS)} ({args.concurrency} each), beat")

        rows = "\n".join(f"Recipient {n},hosts-{n:05d}@example.org" for n in range(1, args.addresses + 1))
        clock = time.monotonic()
        dispatch = dispatch_create(letter=letter, audience="csv", by=None, csv_text="name,email\n" + rows + "\n")
        created = time.monotonic() - clock
        total = dispatch.deliveries.count()
        say(f"dispatch {dispatch.pk}: {total:,} deliveries created in {created:.1f} s")

        kill_after = max(1, int(total * args.kill_at))
        victim = processes[WORKERS[0]]

        def victim_mid_send():
            connection.close()
            if OutgoingMail.objects.filter(delivery__dispatch=dispatch, status=Status.SENT).count() < kill_after:
                return False
            sending = OutgoingMail.objects.filter(delivery__dispatch=dispatch, status=Status.SENDING)
            pool = children(victim.pid)
            return pool if any(sending.filter(claimed_by__endswith=f":{pid}").exists() for pid in pool) else None

        # Mid-way and mid-send: once the share is sent, at a moment the victim's pool process holds a delivery.
        pool = wait_for(victim_mid_send, seconds=args.timeout, what=f"{kill_after} sent and {WORKERS[0]} sending")
        os.kill(victim.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        victim_names = [f":{pid}" for pid in pool]
        held = {
            pk
            for name in victim_names
            for pk in OutgoingMail.objects.filter(
                delivery__dispatch=dispatch, status=Status.SENDING, claimed_by__endswith=name
            ).values_list("pk", flat=True)
        }
        kill_after = OutgoingMail.objects.filter(delivery__dispatch=dispatch, status=Status.SENT).count()
        say(
            f"killed {WORKERS[0]} (main process {victim.pid}, pool {pool}) at {kill_after:,} sent, "
            f"{time.monotonic() - clock:.0f} s after the dispatch; it held {len(held)} deliveries `sending`"
        )

        def done():
            connection.close()  # a fresh connection each poll: the rows are committed by other processes
            return dispatch_progress(dispatch)["done"]

        wait_for(done, seconds=max(60.0, args.timeout - (time.monotonic() - clock)), what="the dispatch to finish")
        finished = time.monotonic()
        time.sleep(5)  # a late second copy would come now
        accepted = sink.snapshot()
        web_after = _responds(home)
        connection.close()
        deliveries = list(
            OutgoingMail.objects.filter(delivery__dispatch=dispatch).values_list(
                "pk", "delivery__email", "status", "attempts", "claimed_by"
            )
        )
    except Exception as error:
        say(f"benchmark broken: {error!r}")
        for log in sorted(var_dir.glob("*.log")):
            say(f"--- {log.name}: " + "\n".join(log.read_text(errors="replace").splitlines()[-15:]))
        return 1
    finally:
        for process in processes.values():
            stop(process)
        controller.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _postgres(args.database, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(var_dir, ignore_errors=True)
        redis_flush(args.redis)

    report(
        total=total,
        accepted=accepted,
        clock=clock,
        finished=finished,
        killed_at=killed_at,
        held=held,
        deliveries=deliveries,
        web_after=web_after,
    )
    return 0


def _responds(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=5).status == 200
    except OSError:
        return False


def report(*, total, accepted, clock, finished, killed_at, held, deliveries, web_after) -> None:
    copies: dict[str, list[float]] = {}
    for at, address in accepted:
        copies.setdefault(address, []).append(at)
    by_pk = {pk: (email, status, attempts) for pk, email, status, attempts, _claimed_by in deliveries}
    statuses: dict[str, int] = {}
    for _email, status, _attempts in by_pk.values():
        statuses[status] = statuses.get(status, 0) + 1
    emails = {email for email, _status, _attempts in by_pk.values()}
    missing = sorted(email for email in emails if email not in copies)
    twice = sorted(email for email in emails if len(copies.get(email, [])) > 1)
    held_emails = {by_pk[pk][0] for pk in held}
    # The documented window: the SMTP server accepted the letter and the worker died before recording it sent.
    in_window = [email for email in twice if email in held_emails and min(copies[email]) <= killed_at]
    strangers = sorted(set(copies) - emails)
    taken_over = [pk for pk, (_email, _status, attempts) in by_pk.items() if attempts > 1]
    waited = sorted(
        min(at for at in copies[by_pk[pk][0]] if at >= killed_at) - killed_at
        for pk in set(held) | set(taken_over)
        if any(at >= killed_at for at in copies.get(by_pk[pk][0], []))
    )
    before = sum(1 for at, _address in accepted if at < killed_at)
    seconds = finished - clock
    say()
    say(f"Summary (load average at the end {load()}):")
    say(f"deliveries: {total:,}; in the database: {statuses}")
    say(
        f"every address once: {len(emails) - len(missing) - len(twice):,} of {len(emails):,}; missing {len(missing)}"
        f"{' ' + str(missing[:5]) if missing else ''}; twice {len(twice)} ({len(in_window)} in the documented "
        f"window){' ' + str(twice[:5]) if twice else ''}; addresses not in the CSV {len(strangers)}"
    )
    say(
        f"throughput: {total:,} letters in {seconds:.1f} s = {total / seconds:.1f} letters/s "
        f"({before / (killed_at - clock):.1f}/s with 3 workers before the kill, "
        f"{(len(accepted) - before) / max(finished - killed_at, 0.001):.1f}/s with 2 after)"
    )
    if waited:
        say(
            f"orphaned deliveries (held `sending` by the killed worker at the kill: {len(held)}, claimed more than "
            f"once: {len(taken_over)}): accepted {statistics.median(waited):.1f} s after the kill (median), "
            f"{waited[-1]:.1f} s at worst"
        )
    else:
        say(f"orphaned deliveries: none held by the killed worker at the kill ({len(held)} held, all sent before it)")
    say(f"web processes answering after the run: {'yes' if web_after else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
