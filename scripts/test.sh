#!/usr/bin/env bash
# The whole test suite, as `make test` runs it (after `make setup`).
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings: the environment wins over .env (see scripts/env.sh).
. scripts/env.sh
load_env_file .env
# Tests choose their own reference dates and databases.
unset VERWIJZING_PEILDATUM DATABASE_URL
export RASA_TELEMETRY_ENABLED=false

# Two workers (or VERWIJZING_TEST_WORKERS); one file per worker at a time, so a module's Rasa
# stack starts once. Extra arguments go to pytest (make test-fast passes -m).
workers=${VERWIJZING_TEST_WORKERS:-2}
echo "== tests, $workers at a time (project environment)"
.venv/bin/pytest -q -n "$workers" --dist loadfile "$@" tests
