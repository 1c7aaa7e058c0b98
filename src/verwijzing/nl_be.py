"""Dates and numbers as a Flemish reader writes them, independent of the machine's locale."""
from __future__ import annotations

import datetime as dt

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def date_words(day: dt.date) -> str:
    """"1 januari 2027"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_number(value: float) -> str:
    """7 → "7", 7.5 → "7,5"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").replace(".", ",")
