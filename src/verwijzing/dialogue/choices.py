"""Numbered choices: "2", "de tweede", "nummer 3", "optie 1" → the index of an option.

SMS and phone users answer with a number or a keypad digit instead of tapping a button, so
every list of options can be answered this way.
"""
from __future__ import annotations

import re

ORDINALS = {
    "een": 1, "één": 1, "eerste": 1, "eerst": 1, "1ste": 1, "1e": 1,
    "twee": 2, "tweede": 2, "2de": 2, "2e": 2,
    "drie": 3, "derde": 3, "3de": 3, "3e": 3,
    "vier": 4, "vierde": 4, "4de": 4, "4e": 4,
    "vijf": 5, "vijfde": 5, "5de": 5, "5e": 5,
}
FILLER = {"de", "het", "nummer", "nr", "optie", "keuze", "graag", "aub", "ik", "neem", "kies", "doe", "maar",
          "die", "dan", "en", "ok", "oke", "oké", "ja"}


def read_choice(text: str, options: int) -> int | None:
    """1-based option number when the whole message is a choice, else None."""
    words = [w for w in re.findall(r"[\wéë]+", text.lower()) if w not in FILLER]
    if len(words) != 1:
        return None
    word = words[0]
    number = int(word) if word.isdigit() else ORDINALS.get(word)
    if number is None or not 1 <= number <= options:
        return None
    return number
