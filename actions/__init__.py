"""rasa_sdk actions: thin adapters between the Rasa tracker and the verwijzing package.

They map slots to facts and decisions to events and messages; the rules themselves live in
verwijzing.screening and the policy data.
"""
from __future__ import annotations

import os


def _warm_up() -> None:
    """Reads one sentence for every fact now, so that the interpreters' word lists, spellings and
    municipalities are loaded when the action server starts, not in the first person's first
    turn: that first reading took 2.1 s (the first turn after start was 2.7 s against stock
    Rasa's 0.4 s in `make bench`)."""
    from verwijzing.config import peildatum
    from verwijzing.interpret import FIELDS, read_all

    sentence = "Ik ben 40, werk 12 jaar als bediende in Gent en stopte na het 4de middelbaar."
    for asked in (None, *FIELDS):
        read_all(sentence, peildatum(), asked)


# Only in the process that answers Rasa (Sanic's worker), not in Sanic's manager process that
# imports this package too: the word lists would double the action server's memory for nothing.
if os.environ.get("SANIC_WORKER_NAME"):
    _warm_up()
