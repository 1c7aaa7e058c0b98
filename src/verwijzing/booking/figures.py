"""The policy figures booking needs, read from verwijzing.policy; no figure is written here."""
from __future__ import annotations

import datetime as dt
from typing import Any

from verwijzing.policy import regime_at

# The regime whose block and credit sizes a booking uses while the current regime has none.
CREDIT_REGIME = "loopbaankrediet"
_MINUTES_PER_HOUR = 60


def policy_figure(name: str, day: dt.date, *, credit_fallback: bool = False) -> Any:
    """The only place that asks the policy. `credit_fallback`: when the regime in force on `day`
    has no value, take the loopbaankrediet's (the policy reads a named regime at the nearest day
    of its own period, i.e. its start).

    Why the fallback: the transitional loopbaancheque (2025-10-01 … 2026-12-31) settles neither
    the hours of its single cheque nor a block size (domain.md, regime A), yet sessions booked now
    are given in the same two-hour blocks the credit is built from. The screening tells the
    citizen that the transitional figures are "onder voorbehoud"; booking needs a number."""
    value = regime_at(day).value(name)
    if value is None and credit_fallback:
        value = regime_at(day, CREDIT_REGIME).value(name)
    return value


def block_minutes(day: dt.date) -> int:
    """Length of one block of guidance on `day`, in minutes (what one booking debits)."""
    return _minutes("blok_uren", policy_figure("blok_uren", day, credit_fallback=True))


def credit_minutes(day: dt.date) -> int:
    """The whole credit per career on `day`, in minutes (granted once, on the first booking)."""
    return _minutes("krediet_uren", policy_figure("krediet_uren", day, credit_fallback=True))


def retention_years(day: dt.date) -> int | None:
    """How long files are kept, in years, under the regime of `day`; None if no source says."""
    return policy_figure("bewaartermijn_jaren", day)


def _minutes(name: str, hours: Any) -> int:
    if hours is None:
        raise LookupError(f"the policy gives no {name} for any regime booking can use")
    minutes = round(float(hours) * _MINUTES_PER_HOUR)
    if minutes <= 0:
        raise LookupError(f"the policy's {name} must be positive, got {hours!r}")
    return minutes


def hours(minutes: int) -> int | float:
    """Minutes as hours for people: 120 → 2, 90 → 1.5."""
    whole, rest = divmod(minutes, _MINUTES_PER_HOUR)
    return whole if rest == 0 else minutes / _MINUTES_PER_HOUR


def free_cancellation(day: dt.date) -> dt.timedelta:
    """How long before a block a cancellation still gives the hours back."""
    return dt.timedelta(hours=policy_figure("kosteloos_annuleren_uren", day))
