#!/usr/bin/env bash
# The whole test suite. Starts a temporary PostgreSQL unless ONCO_TEST_POSTGRES_URL is already set
# (as .ci/run does), builds, and runs every test. PostgreSQL tests are required, not skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
started=""
if [[ -z "${ONCO_TEST_POSTGRES_URL:-}" ]]; then
  eval "$(scripts/pg-temp.sh)"
  started="$ONCO_PG_DIR"
  trap 'scripts/pg-temp.sh stop "$started"' EXIT
fi
export ONCO_REQUIRE_POSTGRES=1
export ONCO_REQUIRE_SNAKEMAKE=1
swift build
swift test "$@"
