"""A counsellor's hours as people know them from scheduling tools (Cal.com, Microsoft Bookings),
and the moments they give. Pure: no database, no clock.

- Weekly hours: per weekday one or more windows ("maandag 9:00–12:00 op locatie"), each with the
  ways of working it offers and, optionally, where.
- Date overrides: for one date, other windows instead of the weekly ones, or none (a day off).
- A window holds as many whole blocks as fit, back to back from its start.

Times are Brussels wall-clock times: "9:00" stays 9:00 across the switch to and from summer time
(8:00 UTC in winter, 7:00 UTC in summer). A block is a real duration: one that would start in the
hour skipped in March, or whose wall-clock length differs from its real length (it crosses a
switch), is not offered.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from verwijzing.enums import Modality
from verwijzing.nl_be import BRUSSELS

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Window:
    starts: dt.time
    ends: dt.time
    modalities: frozenset[Modality]
    location: str | None = None


@dataclass(frozen=True)
class Hours:
    # weekday (0 = Monday, as date.weekday()) → its windows
    weekly: Mapping[int, Sequence[Window]] = field(default_factory=dict)
    # a date → its windows instead of the weekly ones; an empty sequence is a day off
    overrides: Mapping[dt.date, Sequence[Window]] = field(default_factory=dict)

    def windows_on(self, day: dt.date) -> Sequence[Window]:
        if day in self.overrides:
            return self.overrides[day]
        return self.weekly.get(day.weekday(), ())


@dataclass(frozen=True, order=True)
class Moment:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime
    day: dt.date  # the Brussels date of starts_at
    modalities: frozenset[Modality] = field(compare=False)
    location: str | None = field(default=None, compare=False)


def local(day: dt.date, at: dt.time) -> dt.datetime | None:
    """The aware Brussels time of a wall-clock time, or None when that time does not exist that
    day (the hour skipped at the switch to summer time). The repeated hour in October is taken at
    its first (summer-time) instance."""
    aware = dt.datetime.combine(day, at, BRUSSELS)
    back = aware.astimezone(dt.UTC).astimezone(BRUSSELS)
    return aware if back.replace(tzinfo=None) == aware.replace(tzinfo=None) else None


def moments_in(window: Window, day: dt.date, block: dt.timedelta) -> list[Moment]:
    """The blocks that fit in one window on one day, back to back from its start."""
    found: list[Moment] = []
    start = dt.datetime.combine(day, window.starts)
    last = dt.datetime.combine(day, window.ends)
    while start + block <= last:
        begins, ends = local(day, start.time()), local(day, (start + block).time())
        # Wall clock and real length agree only when no switch lies between: else not offered.
        # (In UTC: Python subtracts two times of one zone by their wall clocks.)
        if begins is not None and ends is not None:
            real_begins, real_ends = begins.astimezone(dt.UTC), ends.astimezone(dt.UTC)
            if real_ends - real_begins == block:
                found.append(Moment(real_begins, real_ends, day, window.modalities, window.location))
        start += block
    return found


def overlaps(moment: Moment | Interval, others: Iterable[Interval]) -> bool:
    starts, ends = (moment.starts_at, moment.ends_at) if isinstance(moment, Moment) else moment
    return any(starts < other_ends and other_starts < ends for other_starts, other_ends in others)


def moments(hours: Hours, first_day: dt.date, last_day: dt.date, block_of: Callable[[dt.date], dt.timedelta],
            *, busy: Sequence[Interval] = ()) -> list[Moment]:
    """Every moment from `first_day` to `last_day` (both included), earliest first: the blocks of
    each day's windows (`block_of(day)` long), less those that overlap a `busy` time or an earlier
    moment of the same day (windows that overlap each other give no double moment)."""
    found: list[Moment] = []
    day = first_day
    while day <= last_day:
        taken: list[Interval] = []
        block = block_of(day)
        for window in sorted(hours.windows_on(day), key=lambda w: (w.starts, w.ends)):
            for moment in moments_in(window, day, block):
                if overlaps(moment, taken) or overlaps(moment, busy):
                    continue
                taken.append((moment.starts_at, moment.ends_at))
                found.append(moment)
        day += dt.timedelta(days=1)
    return sorted(found)


def modalities_text(modalities: Iterable[Modality]) -> str:
    """The stored form of a set of ways of working: ",online,op_locatie," (sorted, with a comma on
    each side so that SQL finds one with LIKE '%,online,%' on SQLite and PostgreSQL alike)."""
    return "," + ",".join(sorted(m.value for m in modalities)) + ","


def modalities_of(text: str | None) -> frozenset[Modality]:
    return frozenset(Modality(part) for part in (text or "").split(",") if part)
