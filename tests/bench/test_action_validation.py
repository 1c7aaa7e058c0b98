"""Rasa's check of action server answers with the schema checked once (verwijzing_rasa.action_validation)
accepts and refuses exactly what stock Rasa's check does, with the same message."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.rasa  # runs code in the Rasa environment (.venv-rasa)

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

ANSWERS = [
    {"events": [{"event": "slot", "name": "leeftijd", "value": 41}], "responses": [{"text": "Dag!"}]},
    {"events": [], "responses": []},
    {"events": [{"event": "followup", "name": "action_beslis"}, {"event": "active_loop", "name": None}]},
    {"events": [{"event": "slot", "value": 3}]},  # a slot event without a name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1, 2]},
    # Each kind of event is checked against its own part of the schema (the fast path) ...
    {"events": [{"event": "bot", "text": "Hoi", "data": {"buttons": [{"title": "a", "payload": "b"}]},
                 "timestamp": None, "metadata": {}},
                {"event": "user", "text": "hoi", "parse_data": {"intent": {"name": "x", "confidence": 1.0},
                                                               "entities": []}},
                {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
                {"event": "reset_slots"}, {"event": "active_loop", "name": "intake_form"}]},
    # ... and refused there as stock Rasa refuses it: a wrong type inside one kind of event.
    {"events": [{"event": "slot", "name": "leeftijd", "value": 41}, {"event": "user", "parse_data": "tekst"}]},
    {"events": [{"event": "action", "name": 7}]},
    {"events": [{"event": "slot", "name": "x", "value": 1, "timestamp": "gisteren"}]},
]

COMPARE = """
import json, sys
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
stock = RemoteAction._validate_action_result
from verwijzing_rasa import tracker_store  # installs the check
assert RemoteAction._validate_action_result is not stock
action = RemoteAction("action_x", None)
def outcome(check, answer):
    try:
        return ["ok", check(action, answer)]
    except ValidationError as error:
        return ["refused", error.message]
out = [[outcome(stock, a), outcome(RemoteAction._validate_action_result, a)] for a in json.loads(sys.argv[1])]
print(json.dumps(out))
"""


def test_the_cached_check_accepts_and_refuses_as_stock_rasa_does():
    run = subprocess.run([str(RASA_PYTHON), "-c", COMPARE, json.dumps(ANSWERS)], capture_output=True, text=True,
                         timeout=240, env={"TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr[-2000:]
    pairs = json.loads(run.stdout.strip().splitlines()[-1])
    assert [stock for stock, _ in pairs] == [ours for _, ours in pairs]
    kinds = [stock[0] for stock, _ in pairs]
    assert kinds == ["ok", "ok", "ok", "refused", "refused", "refused", "refused", "ok", "refused", "refused",
                     "refused"]
    assert all("Failed to validate Action server response" in ours[1] for _, ours in pairs if ours[0] == "refused")
