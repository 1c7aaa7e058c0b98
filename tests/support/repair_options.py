"""What choosing each menu option must give, as content/repair.yaml states it (`waarde`): the
oracle for the repair tests and the simulated people of the conversation tests."""
from __future__ import annotations

import datetime as dt
from typing import Any

from verwijzing.content import load
from verwijzing.dialogue.repair import rule_figures


def slot_answers(slot: str, day: dt.date) -> list[tuple[str, Any]]:
    """(what choosing an option says, the value content/repair.yaml says it must give)."""
    entry = load("repair")["vragen"].get(slot) or {}
    figures = rule_figures(day)
    pairs = []
    for raw in entry.get("opties") or []:
        value = raw.get("waarde")
        if isinstance(value, str) and "{" in value:
            value = float(value.format(**figures))
        pairs.append((str(raw["antwoord"]).format(**figures), value))
    return pairs
