"""`python -m verwijzing.action_server --actions actions --port 5055`: rasa_sdk's action server in
one process, with the free-text readers loaded before it listens.

Why not `python -m rasa_sdk`: rasa_sdk 3.21 always starts Sanic's multi-process mode, also for
one worker: a manager process that imports every action (162 MB resident here), Python's
multiprocessing helpers (32 MB) and then the worker that answers (302 MB). This serves the very
same app (rasa_sdk's own `create_app_for_serve`: the same routes, `/health`, tracing and
plug-ins) from one process. More capacity comes from more action servers (docs/deploy.md), as
the production topology already has it. The options are rasa_sdk's own (`--help`).

Only Rasa may call it: an action can confirm, move or cancel a booking from the tracker it is
sent, so a forged tracker must not get in. It listens on 127.0.0.1 unless SANIC_HOST names
another address, and every call but /health must carry ACTION_SERVER_TOKEN in the
X-Verwijzing-Token header, which Rasa sends from endpoints.yml (docs/deploy.md). Without the
token set it does not start.
"""
from __future__ import annotations

import gc
import hmac
import logging
import os
import sys
from typing import Any

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import (
    create_app_for_serve,
    create_argument_parser,
    create_ssl_config,
)
from rasa_sdk.executor import ActionExecutor
from sanic import Request, response
from sanic.response import HTTPResponse


def warm_up() -> None:
    """Reads one sentence for every fact, so that the readers' word lists, spellings and
    municipalities are loaded now, not in the first person's first turn (that first reading took
    2.1 s; the first turn after start was 2.7 s against stock Rasa's 0.4 s in `make bench`)."""
    from verwijzing.config import peildatum
    from verwijzing.interpret import FIELDS, read_all

    sentence = "Ik ben 40, werk 12 jaar als bediende in Gent en stopte na het 4de middelbaar."
    for asked in (None, *FIELDS):
        read_all(sentence, peildatum(), asked)

LOCALHOST = "127.0.0.1"
# The name of the header, not a secret (the token itself comes from the environment).
TOKEN_HEADER = "X-Verwijzing-Token"  # noqa: S105
# What a monitor may ask without the token: it says nothing and changes nothing.
OPEN_PATHS = frozenset({"/health"})


class SelectiveDomainExecutor(ActionExecutor):
    """rasa_sdk's executor, taking calls without the domain as Rasa Open Source 3.6 sends them.

    With `enable_selective_domain` (endpoints.yml) Rasa 3.6 sends the domain only to the actions
    that ask for it (`send_domain`; by default every `validate_…` action: bot/*.yml), and never a
    domain digest. rasa_sdk 3.21 refuses a call that has neither (449, meant for Rasa Pro, which
    then sends the domain again); Rasa 3.6 does not retry, so the person's turn would fail. Here
    such a call gets an empty domain: only the actions that ask for it read it
    (tests/actions/test_action_server.py). The 16 KB domain went with all three calls of a form
    turn, about half of each request to parse (README, "Performance")."""

    def update_and_return_domain(self, payload: dict[str, Any], action_name: str) -> dict[str, Any] | None:
        if payload.get("domain") is None and payload.get("domain_digest") is None:
            return {}
        return super().update_and_return_domain(payload, action_name)


def only_rasa(token: str) -> Any:
    """A request middleware: calls without the shared token get 401 before any action runs."""
    async def check(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if hmac.compare_digest(request.headers.get(TOKEN_HEADER, "").encode(), token.encode()):
            return None
        return response.json({"error": "Only Rasa may call this action server."}, status=401)
    return check


def main(argv: list[str] | None = None) -> None:
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if not token:
        sys.exit("ACTION_SERVER_TOKEN is not set: the action server only starts with the token Rasa sends "
                 "(.env, docs/deploy.md).")
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file,
                                 args.loglevel, args.logging_config_file)
    utils.update_sanic_log_level()
    executor = SelectiveDomainExecutor()
    executor.register_package(args.actions_module or args.actions)
    warm_up()
    # What is loaded now lives as long as the process (spaCy, the word lists: 215,000 objects).
    # Out of the collector's sight, its full passes no longer walk them: 150-170 ms each, twice
    # in a 600-turn `make bench` level, became about 3 ms (Rasa does the same: gc_freeze.py).
    gc.freeze()
    app = create_app_for_serve(executor, cors_origins=args.cors, auto_reload=args.auto_reload,
                               endpoints=args.endpoints)
    app.register_middleware(only_rasa(token), "request")
    ssl = create_ssl_config(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    # Only Rasa calls it: localhost unless the deployment names another address (docs/deploy.md).
    app.run(host=os.environ.get("SANIC_HOST") or LOCALHOST, port=args.port, ssl=ssl, single_process=True, motd=False)


if __name__ == "__main__":
    main()
