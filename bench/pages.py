"""Public pages under load: the session page, its .ics, the list of sessions and the dialogue's speakers against a
trivial Django view through the same middleware (/i18n/setlang/, a 302), in one run: 2 gunicorn processes against
PostgreSQL and Redis (DJANGO_DEBUG=0), 50 connections from wrk, 127.0.0.1 only.

    scripts/system-packages.sh bench       # once: wrk
    .venv/bin/python bench/pages.py        # database wt_scale_bench_pages, Redis db 12, port 8647
    .venv/bin/python bench/pages.py --seconds 20 --connections 50 --redis redis://127.0.0.1:6379/12
    .venv/bin/python bench/pages.py --rounds 3 --seconds 5   # each page 3 times, each time right after the trivial view

Target: each page at >= 50% of the trivial view's requests per second, its p99 within 3x its p50. Each page is
measured right after the trivial view (the machine's load changes within a minute): its ratio is to that measure;
with --rounds N, every figure is the median of N such pairs, and the ratios' range is shown. Stops by itself (each
measure lasts --seconds; the server is stopped at the end).
"""

import argparse
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

PAGES = [
    ("trivial view (/i18n/setlang/, 302)", "/i18n/setlang/"),
    ("the session page", "/en/sessions/gcm-its-6/"),
    ("its .ics", "/en/sessions/gcm-its-6/calendar.ics"),
    ("the list of sessions (home)", "/en/"),
    ("the dialogue's speakers", "/en/sessions/gcm-its-6/dialogue/"),
    ("the session page in Arabic", "/ar/sessions/gcm-its-6/"),
]


def _environment(args) -> dict:
    env = dict(os.environ)
    var = ROOT / "var" / "bench" / "pages"
    var.mkdir(parents=True, exist_ok=True)
    env.update(
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        VAR_DIR=str(var),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def _create_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
    connection.close()


def _wrk(url: str, *, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/wt_scale_bench_pages")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--port", type=int, default=8647)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    env = _environment(args)
    _create_database(args.database)
    for command in (["migrate", "-v0"], ["demo", "--no-accounts"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [ROOT / ".venv" / "bin" / "gunicorn", "compact_portal.wsgi", "-w", str(args.workers), "-b",
         f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/en/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for _, path in PAGES:  # one request each first: caches and imports warm in both processes
            for _ in range(4):
                urllib.request.urlopen(base + path, timeout=10)
        trivial_path = PAGES[0][1]
        measures = {path: [] for _, path in PAGES}  # per path: (its measure, the trivial view's just before)
        for _ in range(args.rounds):
            for _, path in PAGES[1:]:
                trivial = _wrk(base + trivial_path, seconds=args.seconds, connections=args.connections)
                page = _wrk(base + path, seconds=args.seconds, connections=args.connections)
                measures[trivial_path].append((trivial, trivial))
                measures[path].append((page, trivial))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{args.workers} gunicorn processes, PostgreSQL, Redis, {args.connections} connections (wrk), "
        f"{args.seconds} s each, {args.rounds} round(s); load average before: {load_before}, after: {load}"
    )
    print("| request | requests/s | vs trivial | p50 | p99 | p99/p50 | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, path in PAGES:
        pairs = measures[path]
        ratios = [page["rps"] / trivial["rps"] for page, trivial in pairs]
        spread = f" ({min(ratios):.0%}–{max(ratios):.0%})" if len(pairs) > 1 and path != trivial_path else ""
        median = {field: statistics.median(page[field] for page, _ in pairs) for field in ("rps", "p50", "p99")}
        errors = sum(page["errors"] + (1 if page["socket_errors"] else 0) for page, _ in pairs)
        sockets = "; ".join(page["socket_errors"] for page, _ in pairs if page["socket_errors"])
        print(
            f"| {name} | {median['rps']:.0f} | {statistics.median(ratios):.0%}{spread} | {median['p50']:.1f} ms "
            f"| {median['p99']:.1f} ms | {median['p99'] / median['p50']:.1f}x | {errors}"
            + (f" ({sockets})" if sockets else "")
            + " |"
        )


if __name__ == "__main__":
    sys.exit(main())
