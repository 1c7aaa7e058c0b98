"""Reading a counsellor's hours from the agenda's form: pure, with one plain Dutch line per problem
("Rij 2: …"), so that nothing is saved until every row is right."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from verwijzing.booking.texts import COUNSELLOR_MODALITY_WORDS
from verwijzing.counsellors.availability import Window
from verwijzing.enums import Modality
from verwijzing.nl_be import weekday_names

# "9:00", "09:00", "9.30", "9u30", "9u", "14 u 30": how people write a time here.
_TIME = re.compile(r"\s*(\d{1,2})\s*(?:[:.hu]\s*(\d{2})?)?\s*(?:u(?:ur)?)?\s*", re.IGNORECASE)
# The choices of the form for the shortest notice, in hours.
NOTICE_CHOICES = (2, 4, 12, 24, 48, 72, 168)
# The form's weekday values, "0" (Monday) to "6": compared as text, so no other spelling of a digit passes.
WEEKDAYS = {str(day): day for day in range(7)}
LOCATION_LENGTH = 200


@dataclass(frozen=True)
class RowInput:
    """One row of the form as typed: the day (a weekday number as text, or a date), times, the
    ways of working ticked, and the place."""

    day: str
    starts: str
    ends: str
    modalities: frozenset[str]
    location: str = ""


def parse_time(text: str) -> dt.time | None:
    match = _TIME.fullmatch(text or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _window(number: int, row: RowInput, allowed: frozenset[Modality], block: dt.timedelta,
            problems: list[str]) -> Window | None:
    starts, ends = parse_time(row.starts), parse_time(row.ends)
    before = len(problems)
    if starts is None:
        problems.append(f"Rij {number}: het begin '{row.starts}' is geen uur. Schrijf het zo: 9:00.")
    if ends is None:
        problems.append(f"Rij {number}: het einde '{row.ends}' is geen uur. Schrijf het zo: 12:00.")
    if starts is not None and ends is not None:
        if ends <= starts:
            problems.append(f"Rij {number}: het einde ({ends:%H:%M}) moet na het begin ({starts:%H:%M}) komen.")
        elif dt.datetime.combine(dt.date.min, ends) - dt.datetime.combine(dt.date.min, starts) < block:
            hours = block.total_seconds() / 3600
            problems.append(f"Rij {number}: een gesprek duurt {hours:g} uur. "
                            f"Van {starts:%H:%M} tot {ends:%H:%M} past er geen.")
    chosen: set[Modality] = set()
    for value in row.modalities:
        try:
            modality = Modality(value)
        except ValueError:
            problems.append(f"Rij {number}: '{value}' is geen manier van werken.")
            continue
        if modality not in allowed:
            problems.append(f"Rij {number}: volgens het register werk je niet {COUNSELLOR_MODALITY_WORDS[modality]}.")
        chosen.add(modality)
    if not row.modalities:
        problems.append(f"Rij {number}: kies minstens één manier: "
                        f"{', '.join(COUNSELLOR_MODALITY_WORDS[m] for m in Modality if m in allowed)}.")
    location = " ".join(row.location.split())
    if len(location) > LOCATION_LENGTH:
        problems.append(f"Rij {number}: de plaats is te lang (hoogstens {LOCATION_LENGTH} tekens).")
    if len(problems) > before or starts is None or ends is None:
        return None
    return Window(starts, ends, frozenset(chosen), location or None)


def _blank(row: RowInput) -> bool:
    return not (row.starts.strip() or row.ends.strip() or row.location.strip())


def parse_weekly(rows: Sequence[RowInput], allowed: frozenset[Modality],
                 block: dt.timedelta) -> tuple[dict[int, list[Window]], list[str]]:
    """The weekly windows (weekday → windows) and the problems; rows left empty are skipped."""
    problems: list[str] = []
    weekly: dict[int, list[tuple[int, Window]]] = {}
    for number, row in enumerate(rows, start=1):
        if _blank(row):
            continue
        if row.day not in WEEKDAYS:
            problems.append(f"Rij {number}: kies een dag van maandag tot zondag.")
            continue
        window = _window(number, row, allowed, block, problems)
        if window is not None:
            weekly.setdefault(WEEKDAYS[row.day], []).append((number, window))
    problems += _overlaps({weekday_names()[d]: found for d, found in weekly.items()})
    return {d: [w for _, w in found] for d, found in sorted(weekly.items())}, problems


def parse_override(row: RowInput, day_off: bool, allowed: frozenset[Modality], block: dt.timedelta,
                   today: dt.date) -> tuple[dt.date | None, Window | None, list[str]]:
    """One date override: (the date, its window or None for a day off, problems)."""
    problems: list[str] = []
    try:
        day = dt.date.fromisoformat(row.day.strip())
    except ValueError:
        return None, None, [f"'{row.day}' is geen datum. Kies een datum in de kalender, of schrijf ze zo: 2027-03-01."]
    if day < today:
        problems.append("Die datum is al voorbij.")
    if day_off:
        return day, None, problems
    window = _window(1, row, allowed, block, problems)
    return day, window, [p.removeprefix("Rij 1: ") for p in problems]


def _overlaps(by_day: Mapping[str, list[tuple[int, Window]]]) -> list[str]:
    problems = []
    for name, found in by_day.items():
        ordered = sorted(found, key=lambda item: item[1].starts)
        for (first, a), (second, b) in zip(ordered, ordered[1:], strict=False):
            if b.starts < a.ends:
                problems.append(f"Rij {min(first, second)} en rij {max(first, second)} overlappen op {name}.")
    return problems


def parse_notice(raw: str) -> int | None:
    return int(raw) if raw in {str(hours) for hours in NOTICE_CHOICES} else None
