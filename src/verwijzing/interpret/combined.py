"""All interpreters over one message: what a free-text answer tells us beyond the question."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from verwijzing.interpret.age import read_leeftijd
from verwijzing.interpret.education import SchoolTalk, read_opleidingsniveau
from verwijzing.interpret.experience import read_werkervaring_jaren
from verwijzing.interpret.hulpvraag import read_hulpvraag
from verwijzing.interpret.region import read_woonregio
from verwijzing.interpret.werkstatus import read_werkstatus

# Field names as in verwijzing.decision.facts.Facts.
FIELDS = ("werkstatus", "werkervaring_jaren", "opleidingsniveau", "woonregio", "leeftijd", "hulpvraag")


def read_all(text: str, peildatum: dt.date, asked: str | None = None) -> dict[str, object]:
    """Every fact the message states, by field name; facts it does not state are left out.

    `asked` names the field the assistant just asked for: only that interpreter may take a
    bare answer ("12", "Geel"); the others need a clearly marked mention. Education talk that
    cannot be classified (SchoolTalk.UNCLEAR) is not a fact, so it is left out as well.
    """
    if asked is not None and asked not in FIELDS:
        raise ValueError(f"asked must be one of {', '.join(FIELDS)} or None, got {asked!r}")
    readers: dict[str, Callable[[bool], object]] = {
        "werkstatus": lambda a: read_werkstatus(text, a),
        "werkervaring_jaren": lambda a: read_werkervaring_jaren(text, peildatum, a),
        "opleidingsniveau": lambda a: read_opleidingsniveau(text, a),
        "woonregio": lambda a: read_woonregio(text, a),
        "leeftijd": lambda a: read_leeftijd(text, peildatum, a),
        "hulpvraag": lambda a: read_hulpvraag(text, a),
    }
    found: dict[str, object] = {}
    for field in FIELDS:
        value = readers[field](field == asked)
        if value is not None and not isinstance(value, SchoolTalk):
            found[field] = value
    return found
