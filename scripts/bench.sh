#!/usr/bin/env bash
# `make bench`: stock Rasa's moodbot against our stack in one run (see bench/__main__.py).
# Extra arguments go to the benchmark, e.g. `scripts/bench.sh --postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
load_env_file .env
# The benchmark makes its own databases and reference day; nothing leaves this machine.
unset VERWIJZING_PEILDATUM DATABASE_URL
export RASA_TELEMETRY_ENABLED=false
# The benchmark's own tools (psutil, tqdm, py-spy), pinned in pyproject.toml's `bench` extra.
if ! .venv/bin/python -c 'import psutil, tqdm' 2>/dev/null || [[ ! -x .venv/bin/py-spy ]]; then
    .venv/bin/pip install -qq --disable-pip-version-check -c requirements/project.lock -e '.[bench]'
fi
# `scripts/bench.sh --soak [...]` (make soak): the gateway soak instead (scripts/soak.py).
if [[ "${1:-}" == --soak ]]; then
    shift
    exec .venv/bin/python scripts/soak.py "$@"
fi
# `scripts/bench.sh --scaled`: two Rasa servers against one on PostgreSQL and Redis (bench/scaled.py).
if [[ "${1:-}" == --scaled ]]; then
    shift
    exec .venv/bin/python -m bench.scaled "$@"
fi
exec .venv/bin/python -m bench "$@"
