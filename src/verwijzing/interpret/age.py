"""Age: "24", "ik ben 24", "24 jaar oud", "geboren in 1990", "°12/03/1985", "ik ben van '85"."""
from __future__ import annotations

import datetime as dt
import re
from functools import cache

from verwijzing.interpret.dates import find_dates, full_year, to_date
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, analyse
from verwijzing.interpret.numbers import fold
from verwijzing.interpret.phrases import about_someone_else

MIN_AGE, MAX_AGE = 12, 110
_BIRTH = ["geboren", "geboortedatum", "geboortejaar", "geboorte", "verjaardag"]
# After "ik ben 24 (jaar)" only these may follow for it to be an age: "ik ben 20 jaar
# bediende" is twenty years of work, not an age.
_AFTER_AGE = {"", "oud", "jong", "geworden", "en", "maar", "want", "dus", "ik", "nu", "dit", "sinds",
              ",", ".", "!", "?", ";", ":", "\n"}
# "ik word 40 volgende maand": when someone turns that age ("ik ben 20 jaar in dienst" is a
# duration, so these only follow "word").
_WHEN = {"volgende", "volgend", "binnenkort", "in", "over", "deze", "dit", "op", "eind", "begin"}
# Before a bare number these make it a duration, a year of something else or a decade ("in de
# veertig" is not forty).
_NOT_AGE_BEFORE = {"sinds", "al", "reeds", "gedurende", "van", "tot", "vanaf", "na", "voor", "over", "binnen",
                   "postcode", "nr", "nummer", "om", "per", "de"}


@cache
def _work_words() -> list[str]:
    lex = data()
    return [fold(w) for w in lex["experience"]["work_words"] + lex["job_nouns"]]


def _age_on(born: dt.date, peildatum: dt.date) -> int:
    return peildatum.year - born.year - ((peildatum.month, peildatum.day) < (born.month, born.day))


def _plausible(age: int | None) -> int | None:
    return age if age is not None and MIN_AGE <= age <= MAX_AGE else None


def _next(a: Analysis, i: int) -> str:
    return a.tokens[i].norm if i < len(a.tokens) else ""


def _explicit(a: Analysis) -> int | None:
    """An age the person states: "ik ben 24", "24 jaar oud", "ik word 40", "leeftijd: 33"."""
    text = a.norm_text
    for pattern in (
        r"\b(\d{1,3}) (?:jaar|jaartjes) (?:oud|jong)\b",
        r"\bleeftijd (?:is |: |van |= )?(\d{1,3})\b",
        r"\b(\d{1,3}) ?-?jarige?\b",
        # "ik ben Sarah, 38 jaar, ..." / "mijn naam is Tom, 42, chauffeur": the age right
        # after the name the person introduces themselves with.
        r"\b(?:ik ben|ik heet|mijn naam is|naam is) ([a-z-]+) , (\d{1,3})(?: jaar)?(?: ,| \.| en|$)",
    ):
        for m in re.finditer(pattern, text):
            last = m.lastindex or 1  # every pattern ends in a group that takes part in the match
            if last == 2 and not a.tokens[a.index_at(m.start(1))].capitalised:
                continue  # "ik ben bediende, 12 jaar": not a name, so not an age
            if not about_someone_else(a, a.index_at(m.start(last))):
                return int(m.group(last))
    pattern = r"\b(ben|bent|word|wordt)((?: (?:nu|pas|net|al|reeds|bijna|ongeveer|intussen))*) (\d{1,3})\b"
    for m in re.finditer(pattern, text):
        i = a.index_at(m.start(3))
        value = a.tokens[i].value
        if about_someone_else(a, i) or value is None or value != int(value):
            continue
        j = i + 1
        if _next(a, j) in ("jaar", "jaartjes"):
            j += 1
        becoming = m.group(1) in ("word", "wordt")
        if _next(a, j) not in _AFTER_AGE and not (becoming and _next(a, j) in _WHEN):
            continue
        modifiers = m.group(2).split()
        if ("al" in modifiers or "reeds" in modifiers) and _next(a, j) != "oud":
            continue  # "ik ben al 20 jaar ..." is a duration
        age = int(m.group(3))
        # "ik word 40", "ik ben bijna 40": not yet.
        if becoming or "bijna" in modifiers:
            age -= 1
        return age
    return None


def _birth(a: Analysis, peildatum: dt.date, asked: bool) -> int | None:
    """An age from a birth date or birth year."""
    content = [t for t in a.tokens if not t.is_punct]
    for d in find_dates(a):
        if about_someone_else(a, d.start):
            continue
        cued = a.has(_BIRTH, range(max(0, d.start - 3), d.start))
        whole = len(content) <= d.end - d.start + 1
        if cued or (asked and whole):
            born = to_date(d, peildatum, MIN_AGE)
            if born is None:
                return None
            if d.day is None:
                return peildatum.year - born.year  # "geboren in maart 1990": the year is enough
            return _age_on(born, peildatum)
    text = a.norm_text
    m = re.search(r"\b(?:geboren|geboortejaar|geboorte)(?: (?:in|op|rond|van|:|is))* (\d{4}|\d{2})\b", text)
    if m and not about_someone_else(a, a.index_at(m.start(1))):
        return peildatum.year - full_year(int(m.group(1)), peildatum, MIN_AGE)
    # Flemish "ik ben van '85" / "ik ben van 1985": born in that year.
    if m := re.search(r"\bben (?:van|uit) (?:het jaar )?(19\d\d|20\d\d|\d\d)\b", text):
        return peildatum.year - full_year(int(m.group(1)), peildatum, MIN_AGE)
    return None


def _bare(a: Analysis, peildatum: dt.date) -> int | None:
    """The answer to "how old are you?": a bare number or a birth year."""
    tokens = a.tokens
    for i, t in enumerate(tokens):
        if t.value is None:
            continue
        before = tokens[i - 1].norm if i > 0 else ""
        after = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        if before in _NOT_AGE_BEFORE or after in ("maand", "maanden", "weken", "dagen", "uur", "euro"):
            continue
        if after == "jaar" and a.has(_work_words(), range(i + 2, min(len(tokens), i + 5))):
            continue  # "20 jaar gewerkt" answers another question
        if t.value != int(t.value):
            continue
        value = int(t.value)
        if 1900 <= value <= peildatum.year:
            return peildatum.year - value
        if before == "bijna":
            return value - 1
        return value
    return None


def read_leeftijd(text: str, peildatum: dt.date, asked: bool = False) -> int | None:
    """Age in whole years on `peildatum`, or None. Implausible ages (<12, >110) are None.

    A birth date gives the exact age; a birth year alone gives the year difference. With
    asked=False only a stated age counts ("ik ben 24", "geboren in 1990"), so "werk sinds 2
    jaar" is never an age.
    """
    a = analyse(text)
    for age in (_explicit(a), _birth(a, peildatum, asked)):
        if age is not None:
            return _plausible(age)
    if asked:
        return _plausible(_bare(a, peildatum))
    return None
