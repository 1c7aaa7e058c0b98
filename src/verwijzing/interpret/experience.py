"""Years of work experience: "zeven jaar", "sinds 2005", "al 84 maanden", "een jaar of tien"."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from verwijzing.interpret.dates import find_dates, full_year
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, analyse
from verwijzing.interpret.numbers import fold
from verwijzing.interpret.phrases import about_someone_else

MAX_YEARS = 60  # nobody has worked longer; a bigger number is something else (a year, an age)
_YEAR_UNITS = {"jaar", "jaren", "jaartje", "jaartjes"}
_MONTH_UNITS = {"maand", "maanden"}
_NOT_DURATION_AFTER = {"oud", "jong", "geleden", "terug", "later"}
# "over 2 jaar", "nog 8 maanden" (what is left, not what was done; "nog maar 2 jaar" is done).
_NOT_DURATION_BEFORE = {"over", "binnen", "om", "per", "elke", "ieder", "nog"}
# "3 jaar bij Volvo, waarvan een jaar ziek": a part of the duration before, not added to it.
_PART_OF_BEFORE = {"waarvan", "daarvan", "waarbij", "inclusief"}
_START = {"sinds", "vanaf", "van", "sedert", "tussen"}
_END = {"tot", "t/m", "-", "en", "tem"}


@dataclass(frozen=True)
class _Duration:
    years: float
    token: int
    total: bool  # "in totaal 12 jaar": replaces the parts instead of adding to them
    # Time that counts as work without being work (domain.md): sickness under contract,
    # temporary unemployment, parental or maternity leave. Added only next to real work.
    leave: bool = False


@dataclass(frozen=True)
class Experience:
    """What a message says about years of work, and how sure that reading is.

    `years` is None when only a range is known ("tussen de 5 en 10 jaar": `low`, `high`).
    `parts` holds the durations that were added up when there were several; `leave` says
    that time on sickness benefit, temporary unemployment or leave was among them. A caller
    that tells the person what was read uses these to say what was counted.
    """

    years: float | None
    parts: tuple[float, ...] = ()
    leave: bool = False
    total_given: bool = False
    # A duration that is no work ("2 jaar terug naar school") was left out.
    skipped: bool = False
    low: float | None = None
    high: float | None = None

    @property
    def added_up(self) -> bool:
        return len(self.parts) > 1


@cache
def _words() -> dict[str, list[str]]:
    lex = data()
    words = {k: [fold(w) for w in v] for k, v in lex["experience"].items()}
    words["work_words"] = words["work_words"] + [fold(w) for w in lex["job_nouns"]]
    words["below"] = [fold(w) for w in lex["numbers"]["below"]]
    words["negation"] = [fold(w) for w in lex["negation"]]
    return words


def _about_work(a: Analysis, i: int, asked: bool) -> bool:
    """Whether the clause of token i talks about work (and not about age, unemployment, …)."""
    words = _words()
    clause = a.clause_of(i)
    part = _part_of(a, i)
    if _is_leave(a, i):
        return True
    if a.has(words["not_work"], part) or about_someone_else(a, i):
        return False
    if a.has(words["negation"], clause) and not a.has(words["below"], clause):
        return False  # "de laatste 2 jaar niet gewerkt" is time without work
    if asked or a.has(words["work_words"], clause):
        return True
    # "ik werk als kelner, al 6 jaar": a short clause with only the duration continues the
    # clause about work just before it, in the same sentence.
    if clause.start == 0 or len(clause) > 5:
        return False
    before = a.clause_of(clause.start - 1)
    if a.tokens[before.start].sentence != a.tokens[i].sentence or a.tokens[clause.start - 1].norm != ",":
        return False
    return a.has(words["work_words"], before) and not a.has(words["not_work"], before)


# Words that join the parts of a work history inside one clause: "3 jaar gestudeerd en 5 jaar
# gewerkt" is two parts, of which only the second is work.
_PART_JOINS = {"en", ",", "maar", "daarna", "dan", "nadien", "erna", "plus", ";", "+"}


def _part_of(a: Analysis, i: int) -> range:
    """The part of token i's clause between the joins around it."""
    clause = a.clause_of(i)
    start, stop = i, i + 1
    while start > clause.start and a.tokens[start - 1].norm not in _PART_JOINS:
        start -= 1
    while stop < clause.stop and a.tokens[stop].norm not in _PART_JOINS:
        stop += 1
    return range(start, stop)


def _is_leave(a: Analysis, i: int) -> bool:
    """The part of token i is time that counts as work: "een jaar ziek", "6 maanden ouderschapsverlof"."""
    return a.has(_words()["counts_as_work"], _part_of(a, i)) and not about_someone_else(a, i)


def _whole_months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def _period_years(start: dt.date, end: dt.date, month_known: bool) -> float:
    if not month_known:
        return float(end.year - start.year)  # "sinds 2005": whole years from 1 January
    return round(_whole_months(start, end) / 12, 2)


def _year_token(a: Analysis, i: int, peildatum: dt.date, short_ok: bool) -> int | None:
    if i >= len(a.tokens):
        return None
    norm = a.tokens[i].norm
    if re.fullmatch(r"(19|20)\d\d", norm):
        return int(norm)
    following = a.tokens[i + 1].norm if i + 1 < len(a.tokens) else ""
    typed = a.tokens[i].text.lstrip("'")
    if short_ok and re.fullmatch(r"\d\d", typed) and following not in _YEAR_UNITS | _MONTH_UNITS:
        return full_year(int(typed), peildatum)  # "sinds '05"; "sinds 10 jaar" is a duration
    return None


def _periods(a: Analysis, peildatum: dt.date, asked: bool, used: set[int]) -> list[_Duration] | None:
    """Start (and end) dates: "sinds 2005", "sinds maart 2019", "van 2010 tot nu", "2010-2018".

    Returns None when a period lies in the future: nobody has negative experience.
    """
    words = _words()
    dates = {d.start: d for d in find_dates(a)}
    tokens = a.tokens
    found: list[_Duration] = []
    for i, t in enumerate(tokens):
        if m := re.fullmatch(r"((?:19|20)\d\d)-((?:19|20)\d\d)", t.norm):
            if _about_work(a, i, asked):
                first, last = int(m.group(1)), int(m.group(2))
                if last < first:
                    return None
                found.append(_Duration(float(last - first), i, False))
                used.add(i)
            continue
        if t.norm not in _START:
            continue
        j = i + 1
        month_known = False
        if j in dates:
            d = dates[j]
            year = full_year(d.year, peildatum)
            month_known = d.month is not None
            try:
                start = dt.date(year, d.month or 1, d.day or 1)
            except ValueError:
                continue
            after = d.end
        elif (start_year := _year_token(a, j, peildatum, t.norm == "sinds")) is not None:
            start, after = dt.date(start_year, 1, 1), j + 1
        else:
            continue
        end: dt.date | None = peildatum
        if after < len(tokens) and tokens[after].norm in _END:
            target = after + 1
            if a.has(words["until_now"], range(target, min(len(tokens), target + 2))):
                end = peildatum
            elif target in dates:
                d = dates[target]
                end = dt.date(full_year(d.year, peildatum), d.month or 1, d.day or 1)
                month_known = month_known or d.month is not None
            elif (year_end := _year_token(a, target, peildatum, False)) is not None:
                end = dt.date(year_end, 1, 1)
            else:
                end = None
        elif t.norm in ("van", "tussen"):
            end = None  # "van 2010" alone is not a period
        if end is None or not _about_work(a, i, asked):
            continue
        if start > end:
            return None
        found.append(_Duration(_period_years(start, end, month_known), i, a.has(words["total"], a.clause_of(i))))
        used.update(range(i, after + 2))
    return found


def _durations(a: Analysis, asked: bool, used: set[int],
               skipped: list[int] | None = None) -> tuple[list[_Duration], bool]:
    """Number + unit: "7 jaar", "twaalf en een half jaar", "84 maanden". Also says whether a
    duration was only an upper bound ("bijna 7 jaar"), which must not pass for 7."""
    words = _words()
    tokens = a.tokens
    found: list[_Duration] = []
    bounded = False
    text = a.norm_text
    # "een jaar of tien", "een jaartje of 10": about ten years.
    for m in re.finditer(r"\b(?:een|1) (?:jaar|jaartje) of (\d+(?:\.\d+)?)\b", text):
        i = a.index_at(m.start())
        if _about_work(a, i, asked):
            found.append(_Duration(float(m.group(1)), i, False))
        used.update(range(i, a.index_at(m.start(1)) + 1))
    for i, t in enumerate(tokens[:-1]):
        unit = tokens[i + 1].norm
        if i in used or (unit not in _YEAR_UNITS and unit not in _MONTH_UNITS):
            continue
        if t.value is not None:
            value = t.value
        elif t.norm == "een":
            value = 1.0  # "sinds een jaar"
        else:
            continue
        before = tokens[i - 1].norm if i > 0 else ""
        before2 = " ".join(x.norm for x in tokens[max(0, i - 2):i])
        after = tokens[i + 2].norm if i + 2 < len(tokens) else ""
        if after in _NOT_DURATION_AFTER or before in _NOT_DURATION_BEFORE:
            continue
        if before in ("ben", "bent") and not a.has(words["work_words"], range(i + 2, min(len(tokens), i + 4))):
            continue  # "ik ben 24 jaar": an age
        if not _about_work(a, i, asked):
            if skipped is not None and unit in _YEAR_UNITS:
                skipped.append(i)  # "2 jaar terug naar school": time that is no work
            continue
        if before in words["below"] or before2 in words["below"]:
            bounded = True
            continue
        if a.has(_PART_OF_BEFORE, _part_of(a, i)):
            continue  # already inside the duration it belongs to
        years = value / 12 if unit in _MONTH_UNITS else value
        found.append(_Duration(years, i, a.has(words["total"], a.clause_of(i)), _is_leave(a, i)))
    return found, bounded


_RANGE_JOINS = {"en", "a", "tot", "of", "-"}  # "à" is folded to "a"


def _range(a: Analysis, asked: bool, used: set[int]) -> tuple[float, float] | None:
    """ "tussen de 5 en 10 jaar", "5 à 10 jaar", "een 8 tot 10 jaar": two numbers joined, then a unit."""
    tokens = a.tokens
    for i in range(len(tokens) - 3):
        low, join, high, unit = tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]
        if low.value is None or high.value is None or unit.norm not in _YEAR_UNITS:
            continue
        if join.norm not in _RANGE_JOINS or not low.value < high.value:
            continue
        if not _about_work(a, i + 2, asked):
            continue
        used.update(range(i, i + 4))
        return low.value, high.value
    return None


def _bare(a: Analysis, peildatum: dt.date) -> float | None:
    """The answer to "how many years?": "12", "zeven", "7,5"."""
    words = _words()
    for i, t in enumerate(a.tokens):
        if t.value is None or (1900 <= t.value <= peildatum.year + 1):
            continue
        before = a.tokens[i - 1].norm if i > 0 else ""
        before2 = " ".join(x.norm for x in a.tokens[max(0, i - 2):i])
        if before in words["below"] or before2 in words["below"]:
            return None  # "nog geen 7": fewer than seven
        if before in ("ben", "bent"):
            continue  # "ik ben 45": an age, not years of work
        if a.has(words["not_work"], a.clause_of(i)):
            return None
        return t.value
    return None


def read_werkervaring_jaren(text: str, peildatum: dt.date, asked: bool = False) -> float | None:
    """Years of work experience on `peildatum` (may be fractional), or None.

    Several durations are added up ("10 jaar als bediende en 5 jaar als arbeider" = 15) unless
    one is a total. A start date in the future, a negative number or more than 60 years is
    None; so is "bijna 7 jaar", because the person has fewer than seven. A range gives its
    lower end ("tussen 8 en 10 jaar": 8); read_werkervaring tells it was a range.
    """
    reading = read_werkervaring(text, peildatum, asked)
    if reading is None:
        return None
    return reading.years if reading.years is not None else reading.low


def read_werkervaring(text: str, peildatum: dt.date, asked: bool = False) -> Experience | None:
    """Like read_werkervaring_jaren, with how the figure was found (parts, leave, a range)."""
    a = analyse(text)
    words = _words()
    everything = range(len(a.tokens))
    if a.has(words["none"], everything):
        return Experience(0.0)
    content = [t.norm for t in a.tokens if not t.is_punct]
    if asked and content and all(w in words["none_asked"] or w in ("ik", "heb", "nog", "jaar") for w in content):
        return Experience(0.0)
    used: set[int] = set()
    bounds = _range(a, asked, used)
    periods = _periods(a, peildatum, asked, used)
    if periods is None:
        return None
    skipped: list[int] = []
    durations, bounded = _durations(a, asked, used, skipped)
    found = periods + durations
    if not any(not d.leave for d in found):
        found = []  # "al een jaar ziek" alone is no work experience; next to work it counts
    if bounds is not None and not found:
        low, high = bounds
        if high > MAX_YEARS:
            return None
        return Experience(None, low=low, high=high)
    totals = [d.years for d in found if d.total]
    if not found:
        if bounded or not asked:
            return None
        value = _bare(a, peildatum)
        parts: tuple[float, ...] = ()
    elif totals:
        value, parts = max(totals), tuple(d.years for d in found if not d.total)
        if skipped and len(parts) > 1 and sum(parts) < value:
            value = sum(parts)  # "4 jaar, dan 2 jaar school, dan 2 jaar: 8 in totaal" counted the school
    else:
        value, parts = sum(d.years for d in found), tuple(d.years for d in found)
    if value is None or value < 0 or value > MAX_YEARS:
        return None
    return Experience(round(float(value), 2), parts=parts if len(found) > 1 else (),
                      leave=any(d.leave for d in found), total_given=bool(totals) and len(found) > 1,
                      skipped=bool(skipped) and len(found) > 1)
