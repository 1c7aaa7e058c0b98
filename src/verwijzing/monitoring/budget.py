"""The money the bookings commit: the counsellors' fee and the contributions of the day each block
is on, from the policy data; an amount no source gives stays unknown (None). Of that, the part
spent: the sessions a counsellor recorded as held, the only ones debited on the credit (a
confirmed block is reserved until then; booking/ledger.py)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from verwijzing.decision.facts import Opleidingsniveau
from verwijzing.enums import BookingStatus
from verwijzing.monitoring.intakes import BOOKED, EDUCATION_GROUPS, BookingRow, Period
from verwijzing.policy import RegimeView, regime_at

CENT = Decimal("0.01")
MINUTES_PER_HOUR = 60


# ---- committed budget ----------------------------------------------------------------------


def money(value: object) -> Decimal:
    """A policy figure as exact money (the YAML gives floats such as 150.07)."""
    return Decimal(str(value))


def contribution_per_hour(view: RegimeView, opleidingsniveau: str | None) -> Decimal | None:
    """The citizen's contribution per hour under `view` for an education level; None when the
    level is not known or the regime gives no figure (the transitional cheque gives none)."""
    if opleidingsniveau is None:
        return None
    name = ("bijdrage_per_uur_kortgeschoold" if opleidingsniveau == Opleidingsniveau.KORT.value
            else "bijdrage_per_uur_standaard")
    value = view.value(name)
    return None if value is None else money(value)


def _has_contributions(view: RegimeView) -> bool:
    return all(contribution_per_hour(view, level) is not None for level in EDUCATION_GROUPS[:-1])


@dataclass
class BudgetLine:
    """The committed budget of the bookings whose appointment falls under one regime."""

    regime: str
    label: str
    bookings: int = 0
    hours: Decimal = Decimal(0)
    fees: set[Decimal] = field(default_factory=set)  # the fee(s) per hour that applied
    gross: Decimal = Decimal(0)  # hours × the counsellor's fee of the booking's day
    contributions_known: Decimal = Decimal(0)
    hours_contribution_unknown: Decimal = Decimal(0)  # the regime gives no contribution figure
    # The regime gives the contributions, but no education level was recorded for the booking.
    hours_education_unknown: Decimal = Decimal(0)
    # Of these: the sessions recorded as held (debited on the credit), and their fee.
    held: int = 0
    held_gross: Decimal = Decimal(0)

    @property
    def contributions_complete(self) -> bool:
        return not (self.hours_contribution_unknown or self.hours_education_unknown)

    @property
    def net(self) -> Decimal | None:
        """gross − contributions; None when a contribution is unknown (then `net_at_most`)."""
        return self.gross - self.contributions_known if self.contributions_complete else None

    @property
    def net_at_most(self) -> Decimal:
        """An upper bound that holds whatever the unknown contributions are (they are never negative)."""
        return self.gross - self.contributions_known


@dataclass(frozen=True)
class Budget:
    lines: list[BudgetLine]

    @property
    def hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return sum((line.gross for line in self.lines), Decimal(0))

    @property
    def contributions_known(self) -> Decimal:
        return sum((line.contributions_known for line in self.lines), Decimal(0))

    @property
    def net(self) -> Decimal | None:
        if all(line.contributions_complete for line in self.lines):
            return self.gross - self.contributions_known
        return None

    @property
    def net_at_most(self) -> Decimal:
        return self.gross - self.contributions_known

    @property
    def held(self) -> int:
        return sum(line.held for line in self.lines)

    @property
    def held_gross(self) -> Decimal:
        return sum((line.held_gross for line in self.lines), Decimal(0))


def committed_budget(bookings: Iterable[BookingRow], period: Period) -> Budget:
    """Bookings confirmed in the period that still stand (confirmed or attended): their hours ×
    the counsellor's fee of the appointment's day (vergoeding_begeleider_per_uur), minus what the
    citizens pay (bijdrage per hour by education level, under the regime of that day)."""
    lines: dict[str, BudgetLine] = {}
    for booking in sorted(bookings, key=lambda b: (b.day, b.reference)):
        if booking.status not in BOOKED or booking.confirmed_at is None or not period.contains(booking.confirmed_at):
            continue
        view = regime_at(booking.day)
        line = lines.setdefault(view.name, BudgetLine(view.name, view.regime.label))
        hours = Decimal(booking.minutes) / MINUTES_PER_HOUR
        fee = view.value("vergoeding_begeleider_per_uur")
        if fee is None:  # no source gives the fee on that day: the budget cannot be stated
            raise LookupError(f"the policy gives no vergoeding_begeleider_per_uur on {booking.day}")
        line.bookings += 1
        line.hours += hours
        line.fees.add(money(fee))
        gross = (hours * money(fee)).quantize(CENT, ROUND_HALF_UP)
        line.gross += gross
        if booking.status == BookingStatus.ATTENDED.value:
            line.held += 1
            line.held_gross += gross
        per_hour = contribution_per_hour(view, booking.opleidingsniveau)
        if per_hour is not None:
            line.contributions_known += (hours * per_hour).quantize(CENT, ROUND_HALF_UP)
        elif booking.opleidingsniveau is None and _has_contributions(view):
            line.hours_education_unknown += hours
        else:  # the regime gives no contribution for this level (the 2026 cheque gives none at all)
            line.hours_contribution_unknown += hours
    return Budget(list(lines.values()))
