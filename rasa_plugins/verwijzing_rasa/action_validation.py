"""Rasa's check of the action server's answers, with its fixed schema checked once, not per call.

Why: Rasa 3.6 checks every answer of the action server with `jsonschema.validate(result, schema)`.
That function first checks the *schema itself* against JSON Schema's meta-schema, on every call:
for Rasa's large event schema this was more than half of the Rasa process's CPU time in
`make bench` (py-spy, `python -m bench.profile`), and our forms call the action server several
times a turn. The schema is a constant of the installed Rasa, so checking it once is enough.

A second saving, for answers that pass: the schema says each event is `oneOf` 23 kinds, each
kind fixed by a different constant `event` name, so an event is valid exactly when it passes the
common part and the one kind its name picks. `_passes` checks that (no error objects made for
the 22 kinds it is not); anything it does not pass goes through the full stock check, so a
refusal is the stock refusal, word for word.

What stays the same: the same schema, the same validator class (`validator_for`, as
`jsonschema.validate` picks it), the same `best_match` error, the same message Rasa appends. An
invalid answer is still refused exactly as stock Rasa refuses it. Installed when Rasa loads our
tracker store (`tracker_store.py` imports this module); nothing else in Rasa changes.
"""
from __future__ import annotations

import copy
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


@cache
def _by_event_name() -> tuple[Any, dict[str, Any]]:
    """(the schema with the events' `oneOf` left out, a validator per event name)."""
    schema = RemoteAction.action_response_format_spec()
    items = schema["properties"]["events"]["items"]
    common = copy.deepcopy(schema)
    common["properties"]["events"]["items"] = {key: value for key, value in items.items() if key != "oneOf"}
    cls = validators.validator_for(schema)
    kinds = {kind["properties"]["event"]["const"]: cls(kind) for kind in items["oneOf"]}
    if len(kinds) != len(items["oneOf"]):  # another Rasa whose kinds are not one per name
        raise RuntimeError("Rasa's event schema changed: verwijzing_rasa.action_validation needs a look")
    return cls(common), kinds


def _passes(result: Any) -> bool:
    common, kinds = _by_event_name()
    if not common.is_valid(result):
        return False
    for event in result.get("events") or []:
        kind = kinds.get(event.get("event"))
        if kind is None or not kind.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Stock `RemoteAction._validate_action_result`, minus the repeated schema check."""
    if _passes(result):
        return True
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
    # Rasa has no hook for this check: ours takes the place of its private method (which is why
    # mypy's refusal to assign to a method is silenced: replacing it is the point).
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]  # noqa: SLF001


__all__ = ["ValidationError", "install", "validate_action_result"]
