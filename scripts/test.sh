#!/usr/bin/env bash
# The tests, as `make test` and `make test-fast` run them (after `make setup`).
#   scripts/test.sh        every test: the model trains (make train) while the tests that need
#                          neither Rasa nor a browser run; then the tests that need them
#   scripts/test.sh fast   only the tests that need neither (make test-fast)
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings: the environment wins over .env (see scripts/env.sh).
. scripts/env.sh
load_env_file .env
# Tests choose their own reference dates and databases.
unset VERWIJZING_PEILDATUM DATABASE_URL
export RASA_TELEMETRY_ENABLED=false

FAST="not rasa and not browser"
# Processes side by side (VERWIJZING_TEST_WORKERS, default 2). The quick tests are dealt out one
# by one; the slow ones a file at a time, so that a module's Rasa stack starts once.
workers=${VERWIJZING_TEST_WORKERS:-2}
pytest() { .venv/bin/pytest -q -p no:cacheprovider "$@"; }

if [[ ${1:-} == fast ]]; then
    shift
    echo "== tests without Rasa or a browser, $workers at a time"
    pytest -n "$workers" --dist load -m "$FAST" "$@" tests
    exit
fi

status=0
if make --no-print-directory -q models/verwijzing.tar.gz 2>/dev/null; then
    echo "== tests without Rasa or a browser, $workers at a time"
    pytest -n "$workers" --dist load -m "$FAST" "$@" tests || status=$?
else
    # Training keeps most of the machine busy for about two minutes; one test process fits beside it.
    mkdir -p var/log
    echo "== the model trains in the background (var/log/train.log); meanwhile the tests without Rasa or a browser"
    make --no-print-directory train >var/log/train.log 2>&1 &
    trainer=$!
    pytest -m "$FAST" "$@" tests || status=$?
    if ! wait "$trainer"; then
        echo "training failed:" >&2
        tail -n 40 var/log/train.log >&2
        exit 1
    fi
fi
echo "== tests with Rasa or a browser, $workers at a time"
pytest -n "$workers" --dist loadfile -m "not ($FAST)" "$@" tests || status=$?
exit "$status"
