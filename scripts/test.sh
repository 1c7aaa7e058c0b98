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

echo "== unit, rules, store and integration tests (project environment)"
.venv/bin/pytest -q tests
