#!/usr/bin/env bash
# `make test`: lint, migrations check, the suite on SQLite, again on a throwaway PostgreSQL,
# and the browser tests in Debian's Chromium. A leg whose tool is missing is skipped, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
summary=()

echo "== lint (ruff)"
$PY -m ruff check .
echo "== migrations are complete"
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "model changes without a migration"; exit 1; }

echo "== leg 1: SQLite"
$PY -m pytest -m "not browser" "$@" || status=$?
summary+=("SQLite: $([ $status -eq 0 ] && echo passed || echo FAILED)")

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; then
  echo "== leg 2: PostgreSQL ($PG_BIN)"
  pgdir=$(mktemp -d /tmp/xiangcun-pg.XXXXXX)
  port=$((55000 + RANDOM % 5000))
  run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$pgdir"
  stop_pg() { run_pg "$PG_BIN/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
  trap stop_pg EXIT
  run_pg "$PG_BIN/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  run_pg "$PG_BIN/pg_ctl" -D "$pgdir/data" -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off" \
    -l "$pgdir/log" -w start >/dev/null
  pg_status=0
  # The API fuzzer (mark "fuzz") runs in the SQLite leg only: the server errors it hunts are in our code, which
  # is the same on both databases, and a second run would add two minutes. The startmodule check (mark "scaffold")
  # runs a copy of the project on SQLite by design.
  DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" $PY -m pytest -m "not browser and not fuzz and not scaffold" "$@" \
    || pg_status=$?
  stop_pg; trap - EXIT
  [ $pg_status -ne 0 ] && status=$pg_status
  summary+=("PostgreSQL: $([ $pg_status -eq 0 ] && echo passed || echo FAILED)")
else
  echo "== leg 2: PostgreSQL SKIPPED — no PostgreSQL server binaries (apt-get install postgresql)"
  summary+=("PostgreSQL: SKIPPED (not installed)")
fi

if [ -x /usr/bin/chromium ]; then
  echo "== leg 3: browser (Debian's /usr/bin/chromium through Playwright)"
  br_status=0
  $PY -m pytest -m browser "$@" || br_status=$?
  [ $br_status -ne 0 ] && status=$br_status
  summary+=("browser: $([ $br_status -eq 0 ] && echo passed || echo FAILED)")
else
  echo "== leg 3: browser SKIPPED — /usr/bin/chromium missing (apt-get install chromium fonts-wqy-microhei)"
  summary+=("browser: SKIPPED (no /usr/bin/chromium)")
fi

echo "== summary"
printf '  %s\n' "${summary[@]}"
exit $status
