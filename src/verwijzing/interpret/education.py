"""Education level (for the sociale correctie): kort, midden, hoog, or "unsure".

domain.md: kort = primary school, 1st/2nd grade of secondary, DBSO, leertijd, or a foreign
diploma that is not recognised; midden = 3rd-grade BSO certificate, secondary diploma, Se-n-Se;
hoog = graduaat, bachelor, master, doctorate. People rarely use these words, so the reader
also understands "gestopt na het 4de middelbaar", "A2 elektriciteit", "regent", "unief".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from verwijzing.decision.facts import Opleidingsniveau
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, analyse
from verwijzing.interpret.numbers import fold
from verwijzing.interpret.phrases import Match, PhraseSet, about_someone_else
from verwijzing.interpret.region import place_mentions

_ORDER = {"kort": 0, "midden": 1, "hoog": 2}
_A_CODES = {"a1", "a2", "a3", "a4"}


@cache
def _edu() -> dict[str, Any]:
    education: dict[str, Any] = data()["education"]  # lexicon.yaml's education section: word lists by key
    return education


@cache
def _words(key: str) -> list[str]:
    return [fold(w) for w in _edu()[key]]


@cache
def _phrases(asked: bool) -> PhraseSet:
    edu = _edu()
    entries = []
    for label in ("hoog", "midden", "kort", "unsure"):
        entries += [(p, label) for p in edu[label]["phrases"]]
        if asked:
            entries += [(p, label) for p in edu[label]["asked"]]
    entries += [(p, "secondary") for p in edu["secondary"]]
    if asked:
        entries += [(p, "secondary") for p in edu["secondary_asked"]]
    entries += [(p, "not_recognised") for p in edu["not_recognised"]]
    entries += [(p, "recognised") for p in edu["recognised"]]
    entries += [(p, "foreign") for p in edu["foreign"]]
    return PhraseSet(entries)


@cache
def _markers() -> PhraseSet:
    edu = _edu()
    return PhraseSet([(p, "unfinished") for p in edu["unfinished"]] + [(p, "finished") for p in edu["finished"]])


@dataclass(frozen=True)
class _Mention:
    kind: str  # hoog | midden | kort | secondary | unsure | year
    start: int
    end: int
    level: str | None = None  # for "year": the level the completed year gives


# After an ordinal these make it something other than a school year.
_NOT_SCHOOL_AFTER = {"job", "jobs", "werk", "baan", "werkgever", "keer", "dag", "week", "maand", "kind", "contract",
                     "blok", "gesprek", "sessie", "loopbaancheque", "afspraak"}


def _school_years(a: Analysis, asked: bool) -> list[_Mention]:
    """ "gestopt na het 4de middelbaar", "6de jaar BSO", "tot het 6de leerjaar" (primary)."""
    tokens = a.tokens
    secondary = set(_words("secondary")) | set(_words("secondary_asked"))
    found = []
    for i, t in enumerate(tokens):
        m = re.fullmatch(r"([1-7])de", t.norm)
        # "2 jaar middelbaar": two years of secondary school were done.
        if (
            t.value in (1, 2, 3, 4, 5, 6, 7)
            and i + 2 < len(tokens)
            and tokens[i + 1].norm == "jaar"
            and tokens[i + 2].norm in secondary
        ):
            found.append(_Mention("year", i, i + 3, "midden" if t.value >= 6 else "kort"))
            continue
        if not m:
            continue
        year = int(m.group(1))
        window = [tokens[j].norm for j in range(i + 1, min(len(tokens), i + 4))]
        if window[:1] == ["graad"]:
            continue  # "2de graad" is a phrase of its own
        if window[:1] and window[0] in _NOT_SCHOOL_AFTER:
            continue  # "mijn eerste job", "de tweede keer": no year of school
        sentence = a.sentence_of(i)
        end = i + 1
        while end < len(tokens) and end < i + 4 and (
                tokens[end].norm in secondary
                or tokens[end].norm in ("jaar", "leerjaar", "lager", "lagere", "school", "onderwijs")):
            end += 1
        if "leerjaar" in window[:2] or "lager" in window[:2] or "lagere" in window[:2]:
            found.append(_Mention("year", i, end, "kort"))  # a year of primary school
            continue
        about_school = end > i + 1 and any(tokens[j].norm in secondary for j in range(i + 1, end))
        context = a.has(list(secondary) + ["school", "gestopt", "jaar"], sentence)
        if not (about_school or asked or context):
            continue
        clause = a.clause_of(i)
        before = [tokens[j].norm for j in range(max(clause.start, i - 3), i)]
        # "in het 5de gestopt", "ik zit in het 6de jaar": that year is not completed (yet).
        stopped_during = any(w in ("in", "tijdens", "halverwege", "midden") for w in before) and a.has(
            _words("stopped") + ["zit", "zat", "bezig"], clause
        )
        not_finished = a.has(["niet afgemaakt", "niet gehaald", "niet geslaagd", "gebuisd"], clause)
        completed = year - 1 if (stopped_during or not_finished) else year
        # The 2nd year of the 3rd grade (6th year) gives the BSO certificate or the diploma.
        found.append(_Mention("year", i, end, "midden" if completed >= 6 else "kort"))
    return found


def _is_language_level(a: Analysis, m: Match) -> bool:
    if a.tokens[m.start].norm not in _A_CODES:
        return False
    near = range(max(0, m.start - 2), min(len(a.tokens), m.end + 2))
    return a.has(_words("not_diploma"), near)


def _completion(a: Analysis, mention: _Mention, mentions: list[_Mention], markers: list[Match]) -> str | None:
    """ "finished", "unfinished" or None for what is said right after (or before) a mention."""
    sentence = a.sentence_of(mention.start)
    clause = a.clause_of(mention.start)
    later = [m.start for m in mentions if m.start > mention.start and m.start in sentence]
    stop = min(later, default=sentence.stop)
    earlier = [m.end for m in mentions if m.end <= mention.start]
    begin = max([clause.start, *earlier])
    kinds = {
        m.label for m in markers
        if (mention.end <= m.start < stop) or (begin <= m.start and m.end <= mention.start)
    }
    if "unfinished" in kinds:
        return "unfinished"
    return "finished" if "finished" in kinds else None


def _foreign_country(a: Analysis, mentions: list[_Mention]) -> bool:
    """A foreign country named in a sentence about school, not as where the person lives."""
    residence = [fold(w) for w in data()["place_cues"]["residence"]]
    sentences = {a.tokens[m.start].sentence for m in mentions}
    for p in place_mentions(a):
        if p.entry.kind not in ("country", "foreign") or p.entry.region is None:
            continue
        if a.tokens[p.start].sentence in sentences and not a.has(residence, a.clause_of(p.start)):
            return True
    return False


class SchoolTalk(StrEnum):
    """What the reader says when a message is about school but does not tell the level."""

    UNCLEAR = "unsure"


def read_opleidingsniveau(text: str, asked: bool = False) -> Opleidingsniveau | SchoolTalk | None:
    """An Opleidingsniveau; SchoolTalk.UNCLEAR; or None when the text says nothing about school.

    UNCLEAR means: about school, but not enough to classify (the assistant should ask on):
    "ik heb wat school gedaan", "middelbaar maar niet afgemaakt" without the year, a foreign
    diploma without saying whether it is recognised.
    """
    label = _level(text, asked)
    if label is None:
        return None
    return SchoolTalk.UNCLEAR if label == SchoolTalk.UNCLEAR.value else Opleidingsniveau(label)


def _level(text: str, asked: bool) -> str | None:
    a = analyse(text)
    # "mijn dochter zit in het 4de middelbaar" is about the daughter.
    years = [y for y in _school_years(a, asked) if not about_someone_else(a, y.start)]
    taken = {j for y in years for j in range(y.start, y.end)}
    found = [
        m for m in _phrases(asked).find(a)
        if not _is_language_level(a, m) and not about_someone_else(a, m.start)
    ]
    if any(m.label == "not_recognised" for m in found):
        return "kort"  # a foreign diploma that is not recognised counts as kortgeschoold
    recognised = any(m.label == "recognised" for m in found)
    mentions = sorted(
        years + [
            _Mention(m.label, m.start, m.end) for m in found
            if m.label in ("hoog", "midden", "kort", "secondary", "unsure")
            and not any(j in taken for j in range(m.start, m.end))
        ],
        key=lambda m: m.start,
    )
    foreign = any(m.label == "foreign" for m in found) or (mentions and _foreign_country(a, mentions))
    # Only primary school or no diploma abroad is kortgeschoold whether recognised or not.
    only_kort = mentions and all(m.kind == "kort" or (m.kind == "year" and m.level == "kort") for m in mentions)
    if foreign and not recognised and not only_kort and (mentions or any(m.label == "foreign" for m in found)):
        return "unsure"
    markers = _markers().find(a)
    levels: set[str] = set()
    secondary_unknown = generic = False
    for mention in mentions:
        done = _completion(a, mention, mentions, markers)
        if mention.kind == "year":
            if mention.level is not None:  # always set for a year (_school_years)
                levels.add(mention.level)
        elif mention.kind == "kort":
            levels.add("kort")
        elif mention.kind == "hoog":
            # Someone who started higher education has a secondary diploma.
            levels.add("midden" if done == "unfinished" else "hoog")
        elif mention.kind == "midden":
            if done == "unfinished":
                secondary_unknown = True
            else:
                levels.add("midden")
        elif mention.kind == "secondary":
            if done == "finished":
                levels.add("midden")
            else:
                secondary_unknown = True  # a 3rd-grade BSO certificate or not: ask
        else:
            generic = True
    if levels:
        top = max(levels, key=_ORDER.__getitem__)
        return "unsure" if top == "kort" and secondary_unknown else top
    if secondary_unknown or generic:
        return "unsure"
    return None
