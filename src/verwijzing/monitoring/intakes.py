"""The intake figures of the staff dashboard: pure functions over plain rows and the policy.

Does the credit reach the people it is meant for (SERV-advies §2.3–2.4: inclusivity, monitoring,
budget)? Every figure here is a count or a sum over rows the caller read (verwijzing.monitoring.queries
reads them); no I/O, no clock. Money figures come from the policy data of the day they concern,
and a figure that no source gives stays unknown (None) — it is never filled in.

The unit of the intake figures is one *intake*: one conversation (its Rasa sender id) or one staff
referral. A conversation that decided twice (the person started again with other facts) counts
once, with its latest decision in the period.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from verwijzing.decision.facts import Facts, Opleidingsniveau
from verwijzing.enums import BookingStatus, Channel
from verwijzing.nl_be import BRUSSELS
from verwijzing.policy import regime_at

DEFAULT_WEEKS = 12
CHANNELS = tuple(c.value for c in Channel)
# Bookings that commit money and count as "booked": a hold is not yet a booking, a cancelled or
# expired one commits nothing.
BOOKED = (BookingStatus.CONFIRMED.value, BookingStatus.ATTENDED.value)
UNKNOWN = "onbekend"
EDUCATION_GROUPS = (*(level.value for level in Opleidingsniveau), UNKNOWN)
# The usual labour-statistics age bands (as Statbel and Eurostat report them). A reporting choice,
# not a rule: the rules' own age limit (jongeren_leeftijdsgrens) is added from the policy data.
STATISTICS_AGE_CUTS = (25, 35, 45, 55)


# ---- rows in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    """One recorded decision (a `referrals` row) with the screening facts kept with it."""

    id: int
    created_at: dt.datetime  # aware
    channel: str
    route: str
    regime: str
    in_aanmerking: bool
    facts: Facts
    conversation_id: str | None = None
    booking_reference: str | None = None

    @property
    def intake_key(self) -> str:
        return f"gesprek:{self.conversation_id}" if self.conversation_id else f"verwijzing:{self.id}"


@dataclass(frozen=True)
class BookingRow:
    """One booking with its slot. `opleidingsniveau` is the one recorded with the decision that
    led to it (None when unknown or when no decision refers to the booking)."""

    reference: str
    status: str
    day: dt.date  # the appointment's Brussels date: its regime sets fee and contribution
    minutes: int  # the slot's length
    confirmed_at: dt.datetime | None
    opleidingsniveau: str | None = None


@dataclass(frozen=True)
class Period:
    """Whole Brussels days, `start` … `end` inclusive."""

    start: dt.date
    end: dt.date

    @classmethod
    def weeks_up_to(cls, day: dt.date, weeks: int = DEFAULT_WEEKS) -> Period:
        """The ISO weeks up to and including the week of `day`, cut off at `day` itself."""
        if weeks < 1:
            raise ValueError("a period has at least one week")
        monday = day - dt.timedelta(days=day.weekday())
        return cls(monday - dt.timedelta(weeks=weeks - 1), day)

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, until) in UTC, for queries."""
        start = dt.datetime.combine(self.start, dt.time(), BRUSSELS)
        until = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), BRUSSELS)
        return start.astimezone(dt.UTC), until.astimezone(dt.UTC)

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= local_day(moment) <= self.end

    def weeks(self) -> list[tuple[str, dt.date]]:
        """(ISO week label "2027-W09", its Monday) for every week the period touches."""
        monday = self.start - dt.timedelta(days=self.start.weekday())
        result = []
        while monday <= self.end:
            result.append((iso_week(monday), monday))
            monday += dt.timedelta(weeks=1)
        return result


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(BRUSSELS).date()


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# ---- intakes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    """One intake as the dashboard counts it: the latest decision in the period, and whether any
    of its decisions led to a booking that is booked (confirmed or attended) or attended."""

    decision: DecisionRow
    booked: bool
    attended: bool

    @property
    def channel(self) -> str:
        return self.decision.channel

    @property
    def eligible(self) -> bool:
        return self.decision.in_aanmerking


def intakes(decisions: Iterable[DecisionRow], bookings: Mapping[str, BookingRow], period: Period) -> list[Intake]:
    by_key: dict[str, list[DecisionRow]] = defaultdict(list)
    for row in decisions:
        if period.contains(row.created_at):
            by_key[row.intake_key].append(row)
    result = []
    for rows in by_key.values():
        rows.sort(key=lambda r: (r.created_at, r.id))
        statuses = {bookings[r.booking_reference].status for r in rows
                    if r.booking_reference and r.booking_reference in bookings}
        result.append(Intake(rows[-1], booked=bool(statuses & set(BOOKED)),
                             attended=BookingStatus.ATTENDED.value in statuses))
    result.sort(key=lambda i: (i.decision.created_at, i.decision.id))
    return result


@dataclass(frozen=True)
class WeekCounts:
    week: str
    monday: dt.date
    per_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.per_channel.values())


def intakes_per_week(items: Sequence[Intake], period: Period) -> list[WeekCounts]:
    """Intakes per ISO week (of their latest decision) and channel; every week of the period is
    listed, also a week without intakes."""
    counts = Counter((iso_week(local_day(i.decision.created_at)), i.channel) for i in items)
    return [WeekCounts(label, monday, {c: counts[(label, c)] for c in CHANNELS})
            for label, monday in period.weeks()]


@dataclass(frozen=True)
class Funnel:
    started: int
    conversations_started: int  # the chat, SMS and phone part of `started`
    staff_intakes: int  # the staff part of `started`
    decided: int
    eligible: int
    booked: int
    attended: int

    def steps(self) -> list[tuple[str, int]]:
        return [("gestart", self.started), ("beslist", self.decided), ("in aanmerking", self.eligible),
                ("geboekt", self.booked), ("bijgewoond", self.attended)]


def funnel(items: Sequence[Intake], conversations: Iterable[str]) -> Funnel:
    """`conversations`: the sender ids of the conversations with a message (or a session start)
    in the period, from Rasa's store. A decided conversation counts as started even when its
    messages are gone (erased by the person, or by the retention sweep)."""
    started_ids = set(conversations) | {i.decision.conversation_id for i in items if i.decision.conversation_id}
    staff = sum(1 for i in items if not i.decision.conversation_id)
    return Funnel(
        started=len(started_ids) + staff,
        conversations_started=len(started_ids),
        staff_intakes=staff,
        decided=len(items),
        eligible=sum(1 for i in items if i.eligible),
        booked=sum(1 for i in items if i.booked),
        attended=sum(1 for i in items if i.attended),
    )


# ---- inclusivity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    group: str
    decided: int
    eligible: int
    booked: int

    @property
    def eligibility_rate(self) -> Decimal | None:
        """Share of the group's intakes that were eligible, in percent (None for an empty group)."""
        if not self.decided:
            return None
        return (Decimal(100) * self.eligible / self.decided).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _groups(items: Sequence[Intake], names: Sequence[str], group_of: Callable[[Facts], str]) -> list[GroupFigures]:
    table = {name: [0, 0, 0] for name in names}
    for item in items:
        row = table[group_of(item.decision.facts)]
        row[0] += 1
        row[1] += item.eligible
        row[2] += item.booked
    return [GroupFigures(name, *table[name]) for name in names]


def by_education(items: Sequence[Intake]) -> list[GroupFigures]:
    return _groups(items, EDUCATION_GROUPS, education_group)


def education_group(facts: Facts) -> str:
    return facts.opleidingsniveau.value if facts.opleidingsniveau else UNKNOWN


@dataclass(frozen=True)
class AgeBands:
    """Age bands from cut points: [0, c1), [c1, c2), …, [cn, ∞)."""

    cuts: tuple[int, ...]

    @classmethod
    def for_day(cls, day: dt.date) -> AgeBands:
        """The statistics bands, with the rules' own age limit of `day` as an extra cut."""
        limit = regime_at(day).value("jongeren_leeftijdsgrens")
        extra = (int(limit),) if limit is not None else ()
        return cls(tuple(sorted(set(STATISTICS_AGE_CUTS) | set(extra))))

    @property
    def labels(self) -> tuple[str, ...]:
        middle = tuple(f"{low}–{high - 1}" for low, high in pairwise(self.cuts))
        return (f"<{self.cuts[0]}", *middle, f"{self.cuts[-1]}+", UNKNOWN)

    def band(self, age: int | None) -> str:
        if age is None:
            return UNKNOWN
        labels = self.labels
        for index, cut in enumerate(self.cuts):
            if age < cut:
                return labels[index]
        return labels[len(self.cuts)]


def by_age(items: Sequence[Intake], bands: AgeBands) -> list[GroupFigures]:
    return _groups(items, bands.labels, lambda facts: bands.band(facts.leeftijd))
