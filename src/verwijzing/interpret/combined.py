"""All interpreters over one message: what a free-text answer tells us beyond the question, and
which of it was inferred rather than said plainly (so the conversation checks it first)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from verwijzing.interpret.age import read_leeftijd
from verwijzing.interpret.corrections import correction_parts, is_short, leading_answer
from verwijzing.interpret.credit_used import read_eerder_gebruikt_uren, read_eerder_loopbaancheque
from verwijzing.interpret.education import SchoolTalk, read_opleidingsniveau
from verwijzing.interpret.experience import Experience, read_werkervaring
from verwijzing.interpret.hulpvraag import read_hulpvraag
from verwijzing.interpret.region import read_woonregio
from verwijzing.interpret.werkstatus import read_werkstatus
from verwijzing.policy import regime_at

# Field names as in verwijzing.decision.facts.Facts.
FIELDS = ("werkstatus", "werkervaring_jaren", "opleidingsniveau", "woonregio", "leeftijd", "hulpvraag")
# Facts a story may hold that only matter for some regimes: read by read_text, asked by the form.
USED_FIELDS = ("eerder_gebruikt_uren", "eerder_loopbaancheque")
TEXT_FIELDS = FIELDS + USED_FIELDS
# A message this long that answers more than was asked is a story: what it holds is checked.
STORY_WORDS = 15


class Inference(StrEnum):
    """Why a fact was not said plainly: the conversation asks one check question for these."""

    CORRECTION = "correctie"  # "62.. sorry, 26 bedoel ik": the last value
    ADDED_UP = "opgeteld"  # "3 jaar hier en 12 jaar daar": parts added
    RANGE = "bereik"  # "tussen 8 en 10 jaar": the lower end, on one side of the rule's boundary
    STORY = "verhaal"  # read from a long message that was not an answer to that question


@dataclass(frozen=True)
class Reading:
    facts: dict[str, object]
    inferred: dict[str, Inference] = field(default_factory=dict)
    # A range that straddles the rule's boundary ("tussen 5 en 10 jaar", 7 needed): not a fact.
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    # How the years of work were found, when they were (parts, leave counted).
    experience: Experience | None = None


def _readers(peildatum: dt.date) -> dict[str, Callable[[str, bool], object]]:
    return {
        "werkstatus": lambda t, a: read_werkstatus(t, a),
        "werkervaring_jaren": lambda t, a: read_werkervaring(t, peildatum, a),
        "opleidingsniveau": lambda t, a: read_opleidingsniveau(t, a),
        "woonregio": lambda t, a: read_woonregio(t, a),
        "leeftijd": lambda t, a: read_leeftijd(t, peildatum, a),
        "hulpvraag": lambda t, a: read_hulpvraag(t, a),
        "eerder_gebruikt_uren": lambda t, a: read_eerder_gebruikt_uren(t, peildatum, a),
        "eerder_loopbaancheque": lambda t, a: read_eerder_loopbaancheque(t, a),
    }


def _value(raw: object) -> object:
    """A reader's answer as a fact value; None when it is no fact (unclear school talk)."""
    if isinstance(raw, SchoolTalk):
        return None
    if isinstance(raw, Experience):
        return raw.years
    return raw


def read_text(text: str, peildatum: dt.date, asked: str | None = None) -> Reading:
    """Every fact the message states (TEXT_FIELDS), and which were inferred.

    `asked` names the field the assistant just asked for: only that interpreter may take a
    bare answer ("12", "Geel"); the others need a clearly marked mention. A message with a
    correction marker is also read part by part: a fact read in a later part wins.
    """
    if asked is not None and asked not in TEXT_FIELDS:
        raise ValueError(f"asked must be one of {', '.join(TEXT_FIELDS)} or None, got {asked!r}")
    readers = _readers(peildatum)
    raw = {name: readers[name](text, name == asked) for name in TEXT_FIELDS}
    inferred: dict[str, Inference] = {}
    parts = correction_parts(text)
    if len(parts) > 1:
        for name in TEXT_FIELDS:
            for part in reversed(parts):
                later = readers[name](part, name == asked and is_short(part))
                if _value(later) is None and name == asked:
                    # "4 uur, ik ben twee keer geweest": the answer, then why.
                    lead = leading_answer(part)
                    later = readers[name](lead, True) if lead else None
                if _value(later) is not None:
                    if _value(later) != _value(raw[name]):
                        raw[name] = later
                        inferred[name] = Inference.CORRECTION
                    break
    facts = {name: value for name, r in raw.items() if (value := _value(r)) is not None}
    ranges: dict[str, tuple[float, float]] = {}
    experience = raw["werkervaring_jaren"] if isinstance(raw["werkervaring_jaren"], Experience) else None
    if experience is not None and experience.years is None and experience.low is not None \
            and experience.high is not None:
        minimum = regime_at(peildatum).value("minimum_werkervaring_jaren")
        if minimum is not None and experience.low < minimum <= experience.high:
            ranges["werkervaring_jaren"] = (experience.low, experience.high)
        else:
            facts["werkervaring_jaren"] = experience.low
            inferred.setdefault("werkervaring_jaren", Inference.RANGE)
    elif experience is not None and (experience.added_up or experience.leave or experience.skipped):
        inferred.setdefault("werkervaring_jaren", Inference.ADDED_UP)
    if is_story(text):
        for name in facts:
            if name != asked:
                inferred.setdefault(name, Inference.STORY)
    return Reading(facts, {k: v for k, v in inferred.items() if k in facts}, ranges, experience)


def is_story(text: str) -> bool:
    """A message long enough to tell more than one answer: its facts are checked, not trusted."""
    return len(text.split()) >= STORY_WORDS


def corrects_itself(text: str, peildatum: dt.date, asked: str | None) -> bool:
    """Whether the message answers the open question and corrects that answer itself ("62..
    sorry omgedraaid, 26 bedoel ik"), rather than correcting an earlier answer ("nee, 12 jaar
    bedoel ik"): its first part, before a correction marker, already answers the question."""
    parts = correction_parts(text)
    if asked not in TEXT_FIELDS or len(parts) < 2:
        return False
    return _value(_readers(peildatum)[asked](parts[0], is_short(parts[0]))) is not None


def read_all(text: str, peildatum: dt.date, asked: str | None = None) -> dict[str, object]:
    """The facts of FIELDS the message states, by field name; facts it does not state are left
    out (see read_text for the facts of USED_FIELDS and what was inferred)."""
    if asked is not None and asked not in FIELDS:
        raise ValueError(f"asked must be one of {', '.join(FIELDS)} or None, got {asked!r}")
    return {k: v for k, v in read_text(text, peildatum, asked).facts.items() if k in FIELDS}
