#!/usr/bin/env bash
# Smoke test of the embedded default, as `make run` sets it up: SQLite, Celery's filesystem transport with a real
# worker process, e-mail as .eml files. Runs in a temporary VAR_DIR; starts web and worker, checks, stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR
VAR_DIR=$(mktemp -d /tmp/compact-portal-smoke.XXXXXX)
port=${SMOKE_PORT:-8765}
py=.venv/bin/python
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

$py manage.py check_services
$py manage.py migrate --noinput -v0
$py manage.py demo
.venv/bin/celery -A compact_portal worker --beat --loglevel INFO --concurrency 2 >"$VAR_DIR/worker.log" 2>&1 &
pids+=($!)
$py manage.py runserver --noreload "127.0.0.1:$port" >"$VAR_DIR/web.log" 2>&1 &
pids+=($!)

for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port/en/" >/dev/null 2>&1 && break; sleep 1; done
page=$(curl -fsS "http://127.0.0.1:$port/en/sessions/gcm-its-6/")
grep -q "Conference Room XIX" <<<"$page" || { echo "smoke: the sixth session's page lacks its room"; exit 1; }
grep -q "Informal dialogue with stakeholders" <<<"$page" || { echo "smoke: the agenda is missing"; exit 1; }
echo "smoke: web serves the sixth session's page"

$py manage.py check_services --worker 60
echo "smoke: passed"
