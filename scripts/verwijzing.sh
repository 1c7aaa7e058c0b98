#!/usr/bin/env bash
# The `verwijzing` command with the settings `make run` uses: .env, the environment winning over it
# (scripts/env.sh). `.venv/bin/verwijzing` alone reads only the environment.
#   scripts/verwijzing.sh twilio sms --van +32470123456 "ik wil met een mens praten"
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
load_env_file .env
exec .venv/bin/verwijzing "$@"
