#!/usr/bin/env bash
# Start the whole assistant on localhost; Ctrl-C stops all of it. Called by `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings: the environment wins over .env (see scripts/env.sh).
. scripts/env.sh
load_env_file .env
# Rasa reports usage and errors to its company by default; nothing leaves this machine.
export RASA_TELEMETRY_ENABLED=false
mkdir -p var
# Migrate, and fill an empty database with fictional counsellors and four weeks of slots.
.venv/bin/verwijzing seed-demo

pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT

SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions --port 5055 &
pids+=($!)
.venv-rasa/bin/rasa run --model models/verwijzing.tar.gz --endpoints endpoints.yml \
    --credentials credentials.yml --enable-api --auth-token "$RASA_AUTH_TOKEN" \
    --interface 127.0.0.1 --port 5005 &
pids+=($!)
.venv/bin/python -m verwijzing.gateway.app &
pids+=($!)
echo "verwijzing: gateway on http://${GATEWAY_HOST:-127.0.0.1}:${GATEWAY_PORT:-8080}, Rasa on http://127.0.0.1:5005, actions on http://127.0.0.1:5055 — Ctrl-C stops"
wait -n
