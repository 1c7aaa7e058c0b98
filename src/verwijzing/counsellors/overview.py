"""A counsellor's monthly overview: the first sessions they held (recorded "gehouden", identity
checked) with the fee and the person's contribution from the policy data, each with its status as
the data gives it (a proposal is a proposal, an unknown figure is unknown)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from verwijzing.enums import BookingStatus
from verwijzing.monitoring.budget import CENT, MINUTES_PER_HOUR, contribution_per_hour, money
from verwijzing.monitoring.queries import education_of
from verwijzing.policy import load_policy, regime_at, status_legend
from verwijzing.store.models import Booking, Slot

FEE = "vergoeding_begeleider_per_uur"


@dataclass(frozen=True)
class Held:
    day: dt.date
    reference: str
    hours: Decimal
    fee_per_hour: Decimal | None
    fee: Decimal | None
    fee_status: str  # in the reader's words (statuses.yaml)
    contribution_per_hour: Decimal | None  # None: the education level or the figure is not known
    contribution: Decimal | None


@dataclass(frozen=True)
class MonthOverview:
    month: dt.date  # its first day
    sessions: list[Held]

    @property
    def hours(self) -> Decimal:
        return sum((s.hours for s in self.sessions), Decimal(0))

    @property
    def fees(self) -> Decimal | None:
        """The fees together; None when one of them is not known."""
        if any(s.fee is None for s in self.sessions):
            return None
        return sum((s.fee for s in self.sessions if s.fee is not None), Decimal(0))


# The months the overview pages through (the month after 9999-12 would not be a date).
YEARS = range(2000, 2101)


def month_of(raw: str | None, today: dt.date) -> dt.date:
    """The month asked ("2027-03"), or this one."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", raw or "")
    if match and int(match.group(1)) in YEARS and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return today.replace(day=1)


def overview(session: Session, counsellor_id: int, month: dt.date) -> MonthOverview:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    rows = session.execute(
        select(Booking.reference, Slot.day, Slot.starts_at, Slot.ends_at).join(Slot, Slot.id == Booking.slot_id)
        .where(Slot.counsellor_id == counsellor_id, Booking.status == BookingStatus.ATTENDED.value,
               Slot.day >= month, Slot.day < following)
        .order_by(Slot.starts_at)).all()
    levels = education_of(session, {reference for reference, *_ in rows})
    words = status_legend()
    policy = load_policy()
    held = []
    for reference, day, starts_at, ends_at in rows:
        view = regime_at(day)
        hours = Decimal(round((ends_at - starts_at).total_seconds() / 60)) / MINUTES_PER_HOUR
        raw_fee = view.value(FEE)
        per_hour = money(raw_fee) if raw_fee is not None else None
        contribution = contribution_per_hour(view, levels.get(reference))
        held.append(Held(
            day, reference, hours, per_hour,
            (hours * per_hour).quantize(CENT, ROUND_HALF_UP) if per_hour is not None else None,
            words.get(policy.status(FEE, day), (policy.status(FEE, day), ""))[0],
            contribution, (hours * contribution).quantize(CENT, ROUND_HALF_UP) if contribution is not None else None))
    return MonthOverview(month, held)
