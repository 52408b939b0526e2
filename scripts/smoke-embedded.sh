#!/usr/bin/env bash
# Smoke test of the embedded default, as `make run` sets it up: SQLite, Celery's filesystem transport with a real
# worker process, e-mail as .eml files. Runs in a temporary VAR_DIR; starts the Procfile's processes under make run's
# supervisor, checks, kills the worker (kill -9) and checks that it is started again while the web server serves.
set -euo pipefail
cd "$(dirname "$0")/.."
export VAR_DIR
VAR_DIR=$(mktemp -d /tmp/compact-portal-smoke.XXXXXX)
port=${SMOKE_PORT:-8765}
py=.venv/bin/python
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${SMOKE_KEEP:-}" ] || rm -rf "$VAR_DIR"
}
trap cleanup EXIT

$py manage.py check_services
$py manage.py migrate --noinput -v0
$py manage.py demo
PORT=$port PATH="$PWD/.venv/bin:$PATH" $py -m compact_portal.supervisor Procfile >"$VAR_DIR/run.log" 2>&1 &
pids+=($!)

for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port/en/" >/dev/null 2>&1 && break; sleep 1; done
page=$(curl -fsS "http://127.0.0.1:$port/en/sessions/gcm-its-6/")
grep -q "Conference Room XIX" <<<"$page" || { echo "smoke: the sixth session's page lacks its room"; exit 1; }
grep -q "Informal dialogue with stakeholders" <<<"$page" || { echo "smoke: the agenda is missing"; exit 1; }
echo "smoke: web serves the sixth session's page"

$py manage.py check_services --worker 60
worker=$(sed -n 's/.* worker *| started with pid \([0-9]*\)$/\1/p' "$VAR_DIR/run.log" | tail -1)
kill -9 "$worker"
curl -fsS -o /dev/null "http://127.0.0.1:$port/en/sessions/gcm-its-6/" || { echo "smoke: web down after the worker died"; exit 1; }
$py manage.py check_services --worker 60
grep -q "worker *| exited with code -9" "$VAR_DIR/run.log" || { echo "smoke: the worker was not started again"; exit 1; }
[ "$(grep -c 'beat *| started' "$VAR_DIR/run.log")" = 1 ] || { echo "smoke: beat started more than once"; exit 1; }
echo "smoke: the worker, killed, was started again; the web server kept serving"
echo "smoke: passed"
