"""Public pages under load: the session page, its .ics, the list of sessions and the dialogue's speakers against a
trivial Django view through the same middleware (/i18n/setlang/, a 302), in one run: 2 gunicorn processes against
PostgreSQL and Redis (DJANGO_DEBUG=0), 50 connections from wrk, 127.0.0.1 only.

    scripts/system-packages.sh bench       # once: wrk
    .venv/bin/python bench/pages.py        # database wt_scale_bench_pages, Redis db 12, port 8647
    .venv/bin/python bench/pages.py --seconds 20 --connections 50 --redis redis://127.0.0.1:6379/12

Target: each page at >= 50% of the trivial view's requests per second, its p99 within 3x its p50. Stops by itself
(each measure lasts --seconds; the server is stopped at the end).
"""

import argparse
import os
import re
import secrets
import signal
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
        results = [
            (name, _wrk(base + path, seconds=args.seconds, connections=args.connections)) for name, path in PAGES
        ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{args.workers} gunicorn processes, PostgreSQL, Redis, {args.connections} connections (wrk), "
        f"{args.seconds} s each; load average before: {load_before}, after: {load}"
    )
    print("| request | requests/s | vs trivial | p50 | p99 | p99/p50 | errors |")
    print("|---|---|---|---|---|---|---|")
    trivial = results[0][1]["rps"]
    for name, result in results:
        errors = result["errors"] + (1 if result["socket_errors"] else 0)
        print(
            f"| {name} | {result['rps']:.0f} | {result['rps'] / trivial:.0%} | {result['p50']:.1f} ms "
            f"| {result['p99']:.1f} ms | {result['p99'] / result['p50']:.1f}x | {errors}"
            + (f" ({result['socket_errors']})" if result["socket_errors"] else "")
            + " |"
        )


if __name__ == "__main__":
    sys.exit(main())
