#!/usr/bin/env bash
# Starts a throw-away PostgreSQL on 127.0.0.1, initialised into a temporary directory, and prints
# `export ONCO_TEST_POSTGRES_URL=...` plus the data directory. Stop it with:
#   scripts/pg-temp.sh stop DIR
set -euo pipefail
if [[ "${1:-}" == "stop" ]]; then
  dir="${2:?usage: pg-temp.sh stop DIR}"
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/data' -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n "$bin" ]] || { echo "pg-temp: PostgreSQL is not installed" >&2; exit 1; }
# First free port from ONCO_PG_PORT (default 55432) upwards, so parallel runs don't collide.
port="${ONCO_PG_PORT:-55432}"
while (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
dir=$(mktemp -d /tmp/onco-pg.XXXXXX)
chown postgres "$dir" 2>/dev/null || true
run() { if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
run "$bin/initdb -D '$dir/data' -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
run "$bin/pg_ctl -D '$dir/data' -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" -l '$dir/log' -w start" >/dev/null
run "$bin/createdb -h 127.0.0.1 -p $port -U postgres onco_test"
echo "export ONCO_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/onco_test"
echo "export ONCO_PG_DIR=$dir"
