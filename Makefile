# verwijzing — one command to set up, run and test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa reports usage to its company by default: nothing leaves this machine (train, test, run).
export RASA_TELEMETRY_ENABLED := false

# The project's environment runs on a current Python; Rasa 3.6 needs exactly Python 3.10.
PYTHON ?= python3
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)

VENV := .venv
RASA_VENV := .venv-rasa
SPACY_NL := build/spacy-nl
MODEL := models/verwijzing.tar.gz
RASA := $(RASA_VENV)/bin/rasa
PIP_QUIET := -qq --disable-pip-version-check

# Everything the trained model depends on: retrain only when one of these changed.
RASA_INPUTS := config.yml $(wildcard bot/*.yml) $(shell find data -name '*.yml' 2>/dev/null)

.PHONY: help setup run test test-fast lint train nlu-report validate clean
help:
	@echo "make run       - set up what is missing, train if needed, start the assistant (SQLite)"
	@echo "make test      - set up what is missing and run every test"
	@echo "make test-fast - the tests that need neither Rasa nor a browser (under two minutes)"
	@echo "make lint      - ruff, mypy and the layer contract (import-linter)"
	@echo "make security  - the security tests alone (make test runs them too)"
	@echo "make run-scaled - two Rasa and two action servers on PostgreSQL and Redis (docs/deploy.md)"
	@echo "make setup     - only the environments (.venv, .venv-rasa, Dutch spaCy pipeline, .env)"

# The parts are independent downloads and installs: side by side they take the time of the longest.
SETUP_PARTS := $(VENV)/.installed $(RASA_VENV)/.installed $(SPACY_NL)/meta.json .env build/.browser-installed
setup:
	@$(MAKE) --no-print-directory -s -j4 $(SETUP_PARTS)

# The browser tests' Chromium, chromedriver and pinned axe-core (scripts/install_browser.sh).
build/.browser-installed: scripts/install_browser.sh tests/browser/package.json tests/browser/package-lock.json
	@echo "setup: chromium en axe-core voor de browsertests"
	@scripts/install_browser.sh >/dev/null
	@mkdir -p build && touch $@

# An older .env gets the secrets that were added since (never overwriting one that is set).
.env: .env.example
	@if [ -f .env ]; then \
	  grep -q '^VERWIJZING_CHANNEL_SECRET=.' .env || { sed -i '/^VERWIJZING_CHANNEL_SECRET=$$/d' .env; \
	    echo "VERWIJZING_CHANNEL_SECRET=$$(openssl rand -hex 32)" >> .env; echo "added VERWIJZING_CHANNEL_SECRET to .env"; }; \
	  grep -q '^ACTION_SERVER_TOKEN=.' .env || { sed -i '/^ACTION_SERVER_TOKEN=$$/d' .env; \
	    echo "ACTION_SERVER_TOKEN=$$(openssl rand -hex 32)" >> .env; echo "added ACTION_SERVER_TOKEN to .env"; }; \
	  grep -q '^TWILIO_AUTH_TOKEN=.' .env || { sed -i '/^TWILIO_AUTH_TOKEN=$$/d' .env; \
	    echo "TWILIO_AUTH_TOKEN=$$(openssl rand -hex 16)" >> .env; echo "added a local TWILIO_AUTH_TOKEN to .env"; }; \
	  touch .env; else \
	  sed -e "s/^VERWIJZING_INSZ_PEPPER=$$/VERWIJZING_INSZ_PEPPER=$$(openssl rand -hex 32)/" \
	      -e "s/^VERWIJZING_CHANNEL_SECRET=$$/VERWIJZING_CHANNEL_SECRET=$$(openssl rand -hex 32)/" \
	      -e "s/^RASA_AUTH_TOKEN=$$/RASA_AUTH_TOKEN=$$(openssl rand -hex 16)/" \
	      -e "s/^ACTION_SERVER_TOKEN=$$/ACTION_SERVER_TOKEN=$$(openssl rand -hex 32)/" \
	      -e "s/^TWILIO_AUTH_TOKEN=$$/TWILIO_AUTH_TOKEN=$$(openssl rand -hex 16)/" .env.example > .env; \
	  echo "wrote .env with fresh local secrets"; fi

# rasa_plugins goes into both environments: verwijzing_rasa.pii is the one national-number and
# phone shape for the booking reader (.venv) and the redacting tracker store (.venv-rasa).
$(VENV)/.installed: pyproject.toml requirements/project.lock rasa_plugins/pyproject.toml
	@echo "setup 1/3: the project environment (.venv) — a minute or two the first time"
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_QUIET) -c requirements/project.lock -e '.[test,lint]'
	$(VENV)/bin/pip install $(PIP_QUIET) --no-deps -e rasa_plugins
	@touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock rasa_plugins/pyproject.toml
	@if [ -z "$(PYTHON310)" ]; then echo "Rasa 3.6 needs Python 3.10: none found. Install it or pass PYTHON310=/path/to/python3.10" >&2; exit 1; fi
	@echo "setup 2/3: stock Rasa 3.6 (.venv-rasa) — a few minutes the first time"
	@test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install $(PIP_QUIET) 'pip<24.1'
	$(RASA_VENV)/bin/pip install $(PIP_QUIET) -c requirements/rasa.lock 'rasa[spacy]==3.6.21' spacy-lookups-data
	$(RASA_VENV)/bin/pip install $(PIP_QUIET) --no-deps -e rasa_plugins
	@touch $@

$(SPACY_NL)/meta.json: scripts/build_spacy_nl.py $(RASA_VENV)/.installed
	@echo "setup 3/3: the Dutch spaCy pipeline (build/spacy-nl)"
	$(RASA_VENV)/bin/python scripts/build_spacy_nl.py $(SPACY_NL) 2>/dev/null

# Only what training needs, so that `make -q $(MODEL)` tells whether the model is current.
$(MODEL): $(RASA_INPUTS) | $(RASA_VENV)/.installed $(SPACY_NL)/meta.json
	@echo "train: the model's inputs changed — about 2 minutes on 2 cores"
	$(RASA) train --quiet --fixed-model-name verwijzing --out models --domain bot --data data
	@touch $@

train: $(MODEL)

validate: setup
	$(RASA) data validate --domain bot --data data --fail-on-warnings

run: setup $(MODEL)
	scripts/run.sh

# Two Rasa servers and two action servers on PostgreSQL and Redis (docs/deploy.md).
.PHONY: run-scaled
run-scaled: setup $(MODEL)
	scripts/run_scaled.sh

# The model trains (when its inputs changed) while the tests that need no Rasa run (scripts/test.sh).
test: setup
	scripts/test.sh

# The security tests alone (issue 18; `make test` runs them too): redaction in every spelling,
# erasure with a turn in flight, one-time codes and the shared PC, Twilio's signature, replays and
# repeated keys (SMS and phone), erasing by phone, the action server's token, the login throttle,
# sealed ids, rate limits (two gateways of `make run-scaled` counting together), and every route
# against a corpus of bad input.
SECURITY_TESTS := tests/privacy tests/gateway/test_limits.py tests/gateway/test_sms.py tests/gateway/test_chat_api.py \
	tests/gateway/test_voice.py tests/scale/test_run_scaled.py \
	tests/gateway/test_gateway.py tests/gateway/test_bad_input_corpus.py tests/staff/test_bad_input_corpus_staff.py \
	tests/staff/test_login_throttle.py tests/staff/test_second_factor.py tests/staff/test_access.py \
	tests/conversation/test_action_server_access.py \
	tests/conversation/test_booking_e2e.py
.PHONY: security
security: setup $(MODEL)
	RASA_TELEMETRY_ENABLED=false $(VENV)/bin/pytest -q -n 2 --dist loadfile $(SECURITY_TESTS)

# No Rasa environment, no model, no browser: the loop while changing code (CONTRIBUTING.md).
test-fast: $(VENV)/.installed .env
	scripts/test.sh fast

# The gates CI runs before the tests (CONTRIBUTING.md); .pre-commit-config.yaml runs the same.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy src/verwijzing actions
	@# The plug-ins run inside Rasa: checked against Rasa's own environment and Python.
	$(VENV)/bin/mypy --python-executable $(RASA_VENV)/bin/python --python-version 3.10 rasa_plugins/verwijzing_rasa
	PYTHONPATH=. $(VENV)/bin/lint-imports

nlu-report: setup $(MODEL)
	scripts/nlu_report.sh

clean:
	rm -rf build models results .pytest_cache

# Performance (README "Performance"): ours against stock Rasa's moodbot, and the gateway soak.
.PHONY: bench bench-scaled soak
bench: setup $(MODEL)
	scripts/bench.sh

# Two Rasa servers against one, on PostgreSQL and Redis (bench/scaled.py).
bench-scaled: setup $(MODEL)
	scripts/bench.sh --scaled

soak: setup $(MODEL)
	scripts/bench.sh --soak
