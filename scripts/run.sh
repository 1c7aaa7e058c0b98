#!/usr/bin/env bash
# Start the whole assistant on localhost; Ctrl-C stops all of it. Called by `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings: the environment wins over .env (see scripts/env.sh).
. scripts/env.sh
. scripts/ready.sh
load_env_file .env
# Rasa reports usage and errors to its company by default; nothing leaves this machine.
export RASA_TELEMETRY_ENABLED=false
mkdir -p var
# Migrate, and fill an empty database with fictional counsellors and four weeks of slots; with
# VERWIJZING_DEMO=off only migrate (a real register: docs/counsellors.md).
if [ "${VERWIJZING_DEMO:-on}" = off ]; then
    .venv/bin/verwijzing migrate
else
    .venv/bin/verwijzing seed-demo
fi

pids=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT

# Library chatter goes to var/log/; the console gets one line per step and "klaar" when every
# part answers the gateway's /health.
mkdir -p var/log
echo "verwijzing: de actieserver, Rasa, de gateway en de worker starten (logs in var/log/) …"
SANIC_HOST=127.0.0.1 .venv/bin/python -m verwijzing.action_server --actions actions --port 5055 >var/log/actions.log 2>&1 &
pids+=($!)
.venv-rasa/bin/rasa run --model models/verwijzing.tar.gz --endpoints endpoints.yml \
    --credentials credentials.yml --enable-api --auth-token "$RASA_AUTH_TOKEN" \
    --interface 127.0.0.1 --port 5005 >var/log/rasa.log 2>&1 &
pids+=($!)
.venv/bin/python -m verwijzing.gateway.app >var/log/gateway.log 2>&1 &
pids+=($!)
# The background jobs: the SMS outbox (VERWIJZING_SMS_MODE=local writes them to
# VERWIJZING_SMS_LOG instead of sending), expiring holds, the reminder the day before, retention,
# the demo agenda. It has no /health: it only has to keep running.
.venv/bin/verwijzing worker >var/log/worker.log 2>&1 &
pids+=($!)

gateway="http://${GATEWAY_HOST:-127.0.0.1}:${GATEWAY_PORT:-8080}"
names=(actions rasa gateway worker)
if wait_until_ready 240 "$gateway/health"; then
    echo "klaar: open ${gateway/127.0.0.1/localhost} (Rasa op http://127.0.0.1:5005, acties op http://127.0.0.1:5055) — Ctrl-C stopt alles"
    echo "      sms en telefoon: ${PUBLIC_BASE_URL:-http://localhost:8080}/webhooks/sms en /webhooks/voice (Twilio); sms'en naar burgers: ${VERWIJZING_SMS_MODE:-local}"
else
    echo "verwijzing: na 4 minuten antwoordt nog niet alles op $gateway/health; kijk in var/log/." >&2
fi
wait -n
