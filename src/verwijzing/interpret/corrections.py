"""Corrections inside one message: "62.. sorry omgedraaid, 26 bedoel ik", "niet 62 maar 26".

People correct themselves while they type or speak. The message is cut where a correction
marker stands; a fact read in a later part wins over the same fact read earlier (the last value
wins). The markers live in lexicon.yaml (`corrections`), so one list serves every reader.
"""
from __future__ import annotations

import re
from functools import cache

from verwijzing.interpret.lexicon import data
from verwijzing.interpret.numbers import fold

# A part this short is an answer on its own ("26", "26 jaar"): it may be read as the answer to
# the open question. A longer part needs a clearly marked mention, as any sentence does.
SHORT_PART_WORDS = 4


@cache
def _markers() -> re.Pattern[str]:
    words = sorted((fold(w) for w in data()["corrections"]["markers"]), key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?:^|(?<=[\s.,;:!?]))(?:{alternatives})(?=$|[\s.,;:!?])", re.IGNORECASE)


# "niet 62 maar 26", "niet in Gent maar in Aalst": the part after "maar" replaces the one before.
_NOT_BUT = re.compile(r"\bniet\b(?P<wrong>(?:\s+[^\s,.;]+){1,3}?)\s*,?\s+maar\b", re.IGNORECASE)


def correction_parts(text: str) -> list[str]:
    """The message cut at its correction markers, in order; one part when it has none.

    Empty parts are dropped. "niet X maar Y" is cut before "maar", keeping "niet X" in the
    first part, where a reader sees the negation.
    """
    marked = _NOT_BUT.sub(lambda m: f"niet{m.group('wrong')} \x00 ", text)
    cut = _markers().sub(" \x00 ", marked)
    parts = [p.strip(" ,.;:!?-") for p in cut.split("\x00")]
    return [p for p in parts if p]


def marks_a_correction(text: str) -> bool:
    """Whether the message says in words that it corrects something ("sorry", "ik bedoel",
    "niet X maar Y")."""
    return len(correction_parts(text)) > 1


def is_short(part: str) -> bool:
    return len(part.split()) <= SHORT_PART_WORDS


def leading_answer(part: str) -> str | None:
    """The short answer a longer part starts with, up to its first comma ("elf, ik vergeet altijd
    mijn eerste job" → "elf"); None when there is none."""
    lead = re.split(r"[,;:.!?]", part, maxsplit=1)[0].strip()
    return lead if lead and lead != part.strip() and is_short(lead) else None
