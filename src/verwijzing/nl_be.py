"""Dates, times and numbers as a Flemish reader writes them, and the one time zone of the service.

Everything goes through babel's `nl_BE` locale data, so names and notation do not depend on the
machine's locale and are never written by hand. Appointments, reference dates and the dashboard's
weeks are all in Brussels time (`BRUSSELS`); the database keeps UTC.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names, get_month_names
from babel.numbers import format_currency, format_decimal

LOCALE = "nl_BE"
BRUSSELS = ZoneInfo("Europe/Brussels")

Number = Decimal | int | float


@cache
def weekday_names() -> tuple[str, ...]:
    """"maandag" … "zondag" (Monday first, as `date.weekday()` counts)."""
    names = get_day_names("wide", locale=LOCALE)
    return tuple(str(names[i]) for i in range(7))


@cache
def month_names() -> tuple[str, ...]:
    """"januari" … "december"."""
    names = get_month_names("wide", locale=LOCALE)
    return tuple(str(names[i]) for i in range(1, 13))


def date_words(day: dt.date) -> str:
    """"1 januari 2027"."""
    return format_date(day, "d MMMM y", locale=LOCALE)


def weekday_date_words(day: dt.date, *, year: bool = True) -> str:
    """"donderdag 3 december 2026", or without the year "donderdag 3 december"."""
    return format_date(day, "EEEE d MMMM y" if year else "EEEE d MMMM", locale=LOCALE)


def long_date(day: dt.date) -> str:
    """"3 december 2026" in babel's long format (the dashboard's period)."""
    return format_date(day, format="long", locale=LOCALE)


def short_date(day: dt.date) -> str:
    """"3 dec."."""
    return format_date(day, format="d MMM", locale=LOCALE)


def format_number(value: Number) -> str:
    """7 → "7", 7.5 → "7,5", 1234 → "1.234": at most two decimals, none when whole."""
    # types-babel leaves format_decimal's return untyped (Babel itself says str).
    text: str = format_decimal(value, format="#,##0.##", locale=LOCALE)
    return text


def number_or_unknown(value: Number | None) -> str:
    return "onbekend" if value is None else format_decimal(value, locale=LOCALE)


def euro(value: Number | None) -> str:
    """"€ 30,00"; "onbekend" when no source gives the amount."""
    return "onbekend" if value is None else format_currency(value, "EUR", locale=LOCALE)


def percent(value: Number | None) -> str:
    """A share already in percent, one decimal: "12,5 %"."""
    return "–" if value is None else format_decimal(value, format="#,##0.0", locale=LOCALE) + "\u00a0%"
