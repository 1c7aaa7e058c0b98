"""The policy figures booking needs, read from verwijzing.policy; no figure is written here.

Two kinds of booking follow from the regime in force on the day of the appointment:
- a regime with a credit (`krediet_uren`, the loopbaankrediet from 2027-01-01): every block is
  debited from the person's credit, in minutes;
- a regime without one (the transitional loopbaancheque, 2025-10-01 … 2026-12-31): the first
  appointment is booked as the slot is, and the use of the single cheque is recorded; no credit
  ledger is touched. Its hours and block length are not settled in any source, so the functions
  below return None for them, and whatever a citizen reads must say "weten we nog niet".
"""
from __future__ import annotations

import datetime as dt
from typing import Any, overload

from verwijzing.policy import CREDIT_REGIME, regime_at

# Only to size the *slots of the demo and test agendas* on days whose regime gives no block
# length: the regime whose block the agendas are laid out in. Never told to a citizen, never
# debited (see agenda_block_minutes).
AGENDA_REGIME = CREDIT_REGIME
_MINUTES_PER_HOUR = 60


def policy_figure(name: str, day: dt.date) -> Any:
    """The only place that asks the policy: the figure of the regime in force on `day`, or None
    when no source gives it."""
    return regime_at(day).value(name)


def uses_credit(day: dt.date) -> bool:
    """True when a booking for `day` is debited from a credit of hours (the regime in force gives
    `krediet_uren`); False when it uses a single cheque instead (the transitional regime)."""
    return policy_figure("krediet_uren", day) is not None


def block_minutes(day: dt.date) -> int | None:
    """Length of one block of guidance on `day`, in minutes (what one booking debits).

    None when the regime in force on `day` gives no block length: the transitional loopbaancheque
    (until 2026-12-31) settles none. Callers then say "weten we nog niet" about the length; the
    appointment itself lasts as long as its slot (`BookingView.ends_at - starts_at`)."""
    return _minutes("blok_uren", policy_figure("blok_uren", day))


def block_hours(day: dt.date) -> int | float | None:
    """block_minutes(day) in hours for people (2, 1.5), or None when not settled (see there)."""
    return hours(block_minutes(day))


def credit_minutes(day: dt.date) -> int | None:
    """The whole credit per career on `day`, in minutes (granted once, on the first booking).
    None when the regime in force has no credit (the transitional loopbaancheque)."""
    return _minutes("krediet_uren", policy_figure("krediet_uren", day))


def single_cheque_only(day: dt.date) -> bool:
    """Whether a person who already used a loopbaancheque is refused another one on `day`
    (the policy's `eerder_loopbaancheque_sluit_uit`; True under the transitional regime)."""
    return bool(policy_figure("eerder_loopbaancheque_sluit_uit", day))


def agenda_block_minutes(day: dt.date) -> int:
    """How long a slot of the demo and test agendas lasts on `day`.

    A counsellor's agenda needs a length even while the regime in force settles none, so the
    fictional agendas are laid out in the blocks of AGENDA_REGIME. This is a property of the
    (fictional) agenda, not a rule: nothing is debited or promised from it."""
    own = block_minutes(day)
    if own is not None:
        return own
    minutes = _minutes("blok_uren", regime_at(day, AGENDA_REGIME).value("blok_uren"))
    if minutes is None:
        raise LookupError(f"the policy gives no blok_uren for {AGENDA_REGIME}")
    return minutes


def retention_years(day: dt.date) -> int | None:
    """How long files are kept, in years, under the regime of `day`; None if no source says."""
    years = policy_figure("bewaartermijn_jaren", day)
    if years is not None and not isinstance(years, int):
        raise LookupError(f"the policy's bewaartermijn_jaren must be whole years, got {years!r}")
    return years


def _minutes(name: str, hours: Any) -> int | None:
    if hours is None:
        return None
    minutes = round(float(hours) * _MINUTES_PER_HOUR)
    if minutes <= 0:
        raise LookupError(f"the policy's {name} must be positive, got {hours!r}")
    return minutes


@overload
def hours(minutes: int) -> int | float: ...
@overload
def hours(minutes: None) -> None: ...
@overload
def hours(minutes: int | None) -> int | float | None: ...
def hours(minutes: int | None) -> int | float | None:
    """Minutes as hours for people: 120 → 2, 90 → 1.5; None (not settled) stays None."""
    if minutes is None:
        return None
    whole, rest = divmod(minutes, _MINUTES_PER_HOUR)
    return whole if rest == 0 else minutes / _MINUTES_PER_HOUR


def free_cancellation(day: dt.date) -> dt.timedelta:
    """How long before a block a cancellation still gives the hours back."""
    return dt.timedelta(hours=policy_figure("kosteloos_annuleren_uren", day))
