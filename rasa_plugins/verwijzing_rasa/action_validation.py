"""Rasa's check of the action server's answers, with its fixed schema checked once, not per call.

Why: Rasa 3.6 checks every answer of the action server with `jsonschema.validate(result, schema)`.
That function first checks the *schema itself* against JSON Schema's meta-schema, on every call:
for Rasa's large event schema this was more than half of the Rasa process's CPU time in
`make bench` (py-spy, `python -m bench.profile`), and our forms call the action server several
times a turn. The schema is a constant of the installed Rasa, so checking it once is enough.

What stays the same: the same schema, the same validator class (`validator_for`, as
`jsonschema.validate` picks it), the same `best_match` error, the same message Rasa appends. An
invalid answer is still refused exactly as stock Rasa refuses it. Installed when Rasa loads our
tracker store (`tracker_store.py` imports this module); nothing else in Rasa changes.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import ValidationError, exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once per process instead of once per action call
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Stock `RemoteAction._validate_action_result`, minus the repeated schema check."""
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result


__all__ = ["ValidationError", "install", "validate_action_result"]
