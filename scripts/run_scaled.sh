#!/usr/bin/env bash
# Start the assistant with two of everything on Rasa's own mechanisms; Ctrl-C stops all of it.
# Called by `make run-scaled`. The topology and what each part shares: docs/deploy.md.
#
#   action servers  127.0.0.1:5055, 127.0.0.1:5056
#   Rasa servers    127.0.0.1:5005 (actions on 5055), 127.0.0.1:5006 (actions on 5056),
#                   one endpoints.scaled.yml: SQL tracker store on PostgreSQL, Redis lock store
#   gateways        127.0.0.1:8080 and :8081 (GATEWAY_PORT and the next one), each spreading turns
#                   over both Rasa servers (RASA_URLS); what they must agree on (rate limits in
#                   Redis; Twilio ids seen, login throttles, staff sessions in PostgreSQL) is shared
#   worker          the background jobs (SMS outbox, …), as `make run`
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings: the environment wins over .env (see scripts/env.sh).
. scripts/env.sh
. scripts/ready.sh
load_env_file .env
export RASA_TELEMETRY_ENABLED=false

# Two Rasa servers must read and write the same conversations: an SQLite file cannot be shared
# between processes safely, so this mode needs PostgreSQL.
if [[ ${DATABASE_URL:-} != postgresql* ]]; then
    echo "verwijzing: make run-scaled heeft PostgreSQL nodig (twee Rasa-servers delen de gesprekken)," >&2
    echo "  maar DATABASE_URL is '${DATABASE_URL:-<leeg>}'. Voorbeeld:" >&2
    echo "  DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/verwijzing make run-scaled" >&2
    exit 2
fi
# Where Rasa's Redis lock store is: REDIS_URL, or REDIS_HOST/REDIS_PORT/REDIS_DB (.env.example).
redis_env=$(.venv/bin/python -m verwijzing.config redis-env) || exit 2
eval "$redis_env"
if ! .venv-rasa/bin/python - <<'PY' 2>/dev/null
import os, redis
redis.StrictRedis(host=os.environ["REDIS_HOST"], port=int(os.environ["REDIS_PORT"]), db=int(os.environ["REDIS_DB"]),
                  password=os.environ["REDIS_PASSWORD"] or None, socket_timeout=3).ping()
PY
then
    echo "verwijzing: Redis antwoordt niet op ${REDIS_HOST}:${REDIS_PORT} (database ${REDIS_DB});" >&2
    echo "  make run-scaled gebruikt Redis voor Rasa's lock store. Start Redis of zet REDIS_URL." >&2
    exit 2
fi

mkdir -p var/log
# Migrate, and fill an empty database with fictional counsellors and four weeks of slots; with
# VERWIJZING_DEMO=off only migrate (as scripts/run.sh).
if [ "${VERWIJZING_DEMO:-on}" = off ]; then
    .venv/bin/verwijzing migrate
else
    .venv/bin/verwijzing seed-demo
fi
# Rasa's tracker store creates its table when it starts; two servers starting at once on an
# empty database would both try, so it is created once here first.
if ! .venv-rasa/bin/python -W ignore - "$DATABASE_URL" >var/log/rasa-tables.log 2>&1 <<'PY'
import sys
from verwijzing_rasa.tracker_store import RedactingSQLTrackerStore
RedactingSQLTrackerStore(host=sys.argv[1]).engine.dispose()
PY
then
    echo "verwijzing: Rasa's gesprekstabel kon niet aangemaakt worden; de laatste regels van" \
         "var/log/rasa-tables.log:" >&2
    tail -n 20 var/log/rasa-tables.log >&2
    exit 1
fi

pids=()
names=()
stop() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop INT TERM EXIT
start() {  # start NAME COMMAND…: in the background, its output in var/log/NAME.log
    local name=$1; shift
    "$@" >"var/log/$name.log" 2>&1 &
    pids+=($!)
    names+=("$name")
}

echo "verwijzing: 2 actieservers, 2 Rasa-servers, 2 gateways en de worker starten (logs in var/log/) …"
for i in 0 1; do
    action_port=$((5055 + i)) rasa_port=$((5005 + i))
    SANIC_HOST=127.0.0.1 start "actions-$action_port" \
        .venv/bin/python -m verwijzing.action_server --actions actions --port "$action_port"
    # One endpoints file for both: Rasa fills in ${ACTION_SERVER_URL} from each server's environment.
    ACTION_SERVER_URL="http://127.0.0.1:$action_port/webhook" start "rasa-$rasa_port" \
        .venv-rasa/bin/rasa run --model models/verwijzing.tar.gz --endpoints endpoints.scaled.yml \
        --credentials credentials.yml --enable-api --auth-token "$RASA_AUTH_TOKEN" \
        --interface 127.0.0.1 --port "$rasa_port"
done
# Two gateways, as behind a load balancer: any request may reach either. The rate limits count
# in the lock store's Redis (VERWIJZING_LIMITS_REDIS_URL from redis-env above), so that the two
# count together.
gateway_host=${GATEWAY_HOST:-127.0.0.1} gateway_port=${GATEWAY_PORT:-8080}
gateways=("http://$gateway_host:$gateway_port" "http://$gateway_host:$((gateway_port + 1))")
for i in 0 1; do
    GATEWAY_PORT=$((gateway_port + i)) RASA_URLS="http://127.0.0.1:5005,http://127.0.0.1:5006" \
        RASA_URL=http://127.0.0.1:5005 ACTION_SERVER_URL=http://127.0.0.1:5055/webhook \
        start "gateway-$((gateway_port + i))" .venv/bin/python -m verwijzing.gateway.app
done
# The background jobs: `verwijzing worker` where it exists (safe to run several), else the SMS dispatcher.
if .venv/bin/verwijzing worker --help >/dev/null 2>&1; then
    start worker .venv/bin/verwijzing worker
else
    start sms-dispatch .venv/bin/verwijzing sms-dispatch
fi

# Each gateway's /health asks the first Rasa and action server; the second ones are asked here.
checks=("${gateways[0]}/health" "${gateways[1]}/health" "http://127.0.0.1:5006/status?token=$RASA_AUTH_TOKEN"
        "http://127.0.0.1:5056/health")
if wait_until_ready 300 "${checks[@]}"; then
    echo "klaar: open ${gateways[0]/127.0.0.1/localhost} of ${gateways[1]/127.0.0.1/localhost}" \
         "(Rasa op :5005 en :5006, acties op :5055 en :5056, locks en tellers in Redis" \
         "${REDIS_HOST}:${REDIS_PORT}/${REDIS_DB}) — Ctrl-C stopt alles"
else
    echo "verwijzing: na 5 minuten antwoordt nog niet alles; kijk in var/log/." >&2
fi
wait -n
