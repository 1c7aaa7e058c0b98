"""Dates as Belgians write them: "12/03/1985", "12-3-85", "12 maart 1985", "maart 2019", "2012-03"."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis
from verwijzing.interpret.numbers import fold

_FULL = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/\-](\d{4})")
# Year first, as forms and computers write it: "1985-03-12", "2012-03".
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR_MONTH = re.compile(r"(\d{4})[/\-](\d{1,2})")


@dataclass(frozen=True)
class DateMention:
    start: int  # token index where the date starts
    end: int  # one past its last token
    year: int  # may be two digits ("85"): see full_year
    month: int | None
    day: int | None


@cache
def _months() -> dict[str, int]:
    return {fold(k): v for k, v in data()["months"].items()}


def full_year(year: int, peildatum: dt.date, min_age: int = 0) -> int:
    """A two-digit year in the century that makes it at least `min_age` years ago."""
    if year >= 100:
        return year
    recent = 2000 + year
    if recent <= peildatum.year - min_age:
        return recent
    return 1900 + year


def find_dates(a: Analysis) -> list[DateMention]:
    """Day-month-year and month-year dates, day first as in Belgium."""
    found = []
    tokens = a.tokens
    i = 0
    while i < len(tokens):
        norm = tokens[i].norm
        if m := _FULL.fullmatch(norm):
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= day <= 31 and 1 <= month <= 12:
                found.append(DateMention(i, i + 1, year, month, day))
        elif m := _ISO.fullmatch(norm):
            year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if 1 <= day <= 31 and 1 <= month <= 12:
                found.append(DateMention(i, i + 1, year, month, day))
        elif (m := _YEAR_MONTH.fullmatch(norm)) and 1 <= int(m.group(2)) <= 12:
            found.append(DateMention(i, i + 1, int(m.group(1)), int(m.group(2)), None))
        elif m := _MONTH_YEAR.fullmatch(norm):
            month, year = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                found.append(DateMention(i, i + 1, year, month, None))
        elif norm in _months() and i + 1 < len(tokens) and re.fullmatch(r"\d{4}|\d{2}", tokens[i + 1].norm):
            day = None
            start = i
            if i > 0 and tokens[i - 1].value is not None and re.fullmatch(r"\d{1,2}", tokens[i - 1].norm):
                if 1 <= int(tokens[i - 1].norm) <= 31:
                    day, start = int(tokens[i - 1].norm), i - 1
            found.append(DateMention(start, i + 2, int(tokens[i + 1].norm), _months()[norm], day))
            i += 2
            continue
        i += 1
    return found


def to_date(mention: DateMention, peildatum: dt.date, min_age: int = 0) -> dt.date | None:
    year = full_year(mention.year, peildatum, min_age)
    try:
        return dt.date(year, mention.month or 1, mention.day or 1)
    except ValueError:
        return None  # 31/02/1990
