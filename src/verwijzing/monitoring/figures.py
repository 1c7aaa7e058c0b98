"""The monitoring figures of the staff dashboard: pure functions over plain rows and the policy.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from verwijzing.decision.facts import Facts, MissingFact, Opleidingsniveau
from verwijzing.decision.screening import screen
from verwijzing.enums import BookingStatus, Channel
from verwijzing.nl_be import BRUSSELS
from verwijzing.policy import RegimeView, load_policy, regime_at

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
SCENARIO = "serv-advies"
# Facts about earlier use that a regime may need but the conversation never asked under the
# regime in force. "No earlier use" is the assumption under which a re-screen can still decide;
# the figures say how many intakes were decided only thanks to it.
NO_EARLIER_USE: Mapping[str, object] = {
    "eerder_gebruikt_trajecten": 0,
    "eerder_gebruikt_uren": 0,
    "eerder_loopbaancheque": False,
}
# Facts a re-screen may miss that are tried with each of their values: when every value gives
# the same outcome, the fact does not decide it. The education level is the one that matters: a
# regime without a contribution figure (the transitional cheque) never asks it, and a regime with
# one asks it only to state an eligible person's contribution.
ENUM_FACTS: Mapping[str, tuple[object, ...]] = {"opleidingsniveau": tuple(Opleidingsniveau)}
CENT = Decimal("0.01")
MINUTES_PER_HOUR = 60


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


def _groups(items: Sequence[Intake], names: Sequence[str], group_of) -> list[GroupFigures]:
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
        middle = tuple(f"{low}–{high - 1}" for low, high in zip(self.cuts, self.cuts[1:]))
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
        line.gross += (hours * money(fee)).quantize(CENT, ROUND_HALF_UP)
        per_hour = contribution_per_hour(view, booking.opleidingsniveau)
        if per_hour is not None:
            line.contributions_known += (hours * per_hour).quantize(CENT, ROUND_HALF_UP)
        elif booking.opleidingsniveau is None and _has_contributions(view):
            line.hours_education_unknown += hours
        else:  # the regime gives no contribution for this level (the 2026 cheque gives none at all)
            line.hours_contribution_unknown += hours
    return Budget(list(lines.values()))


# ---- scenario comparison -------------------------------------------------------------------


@dataclass
class ScenarioFigures:
    """The recorded intakes re-screened under one regime (on the reference date)."""

    regime: str
    label: str
    scenario: bool
    screened: int = 0
    eligible: int = 0
    # Of `eligible`: decided only by assuming no earlier use (NO_EARLIER_USE) of a fact never asked.
    eligible_assuming_no_earlier_use: int = 0
    not_eligible: int = 0
    undetermined: Counter[str] = field(default_factory=Counter)  # missing fact → intakes
    fee_per_hour: Decimal | None = None
    hours_per_person: Decimal | None = None  # krediet_uren: the hours eligibility opens
    contributions: dict[str, Decimal | None] = field(default_factory=dict)  # level → per hour
    eligible_by_education: Counter[str] = field(default_factory=Counter)
    unknown_figures: tuple[str, ...] = ()  # policy figures no source gives, needed for the cost

    @property
    def gross(self) -> Decimal | None:
        """eligible × hours per person × fee: what the counsellors would be paid."""
        if self.fee_per_hour is None or self.hours_per_person is None:
            return None
        return (self.eligible * self.hours_per_person * self.fee_per_hour).quantize(CENT, ROUND_HALF_UP)

    @property
    def cost(self) -> Decimal | None:
        """gross − the eligible people's contributions; None when a figure is unknown."""
        gross = self.gross
        if gross is None:
            return None
        total = Decimal(0)
        for level, count in self.eligible_by_education.items():
            per_hour = self.contributions.get(level)
            if count and per_hour is None:
                return None
            if count:
                total += count * self.hours_per_person * per_hour
        return (gross - total).quantize(CENT, ROUND_HALF_UP)


def rescreen(facts: Facts, day: dt.date, regime: str | None) -> tuple[bool | None, bool, str | None]:
    """(eligible, or None when undetermined; whether the no-earlier-use assumption was needed;
    the missing fact when undetermined).

    A missing fact that does not change the outcome whatever its value (the education level
    only sets the contribution of an eligible person) does not make the outcome undetermined."""
    try:
        return screen(facts, day, regime=regime).in_aanmerking, False, None
    except MissingFact as missing:
        name = missing.field
    if name in NO_EARLIER_USE:
        eligible, _, still_missing = rescreen(replace(facts, **{name: NO_EARLIER_USE[name]}), day, regime)
        return eligible, True, still_missing
    if name in ENUM_FACTS:
        outcomes = {rescreen(replace(facts, **{name: value}), day, regime) for value in ENUM_FACTS[name]}
        eligibilities = {eligible for eligible, _, _ in outcomes}
        if len(eligibilities) == 1 and None not in eligibilities:
            return eligibilities.pop(), any(assumed for _, assumed, _ in outcomes), None
    return None, False, name


def scenario_figures(items: Sequence[Intake], day: dt.date, regime: str | None) -> ScenarioFigures:
    view = regime_at(day, regime)
    figures = ScenarioFigures(view.name, view.regime.label, view.regime.scenario)
    for item in items:
        eligible, assumed, missing = rescreen(item.decision.facts, day, regime)
        figures.screened += 1
        if eligible is None:
            figures.undetermined[missing or UNKNOWN] += 1
        elif eligible:
            figures.eligible += 1
            figures.eligible_assuming_no_earlier_use += assumed
            figures.eligible_by_education[education_group(item.decision.facts)] += 1
        else:
            figures.not_eligible += 1
    fee, hours = view.value("vergoeding_begeleider_per_uur"), view.value("krediet_uren")
    figures.fee_per_hour = None if fee is None else money(fee)
    figures.hours_per_person = None if hours is None else money(hours)
    figures.contributions = {level: contribution_per_hour(view, level) for level in EDUCATION_GROUPS[:-1]}
    figures.contributions[UNKNOWN] = None
    unknown = [name for name in ("vergoeding_begeleider_per_uur", "krediet_uren", "bijdrage_per_uur_kortgeschoold",
                                 "bijdrage_per_uur_standaard") if view.value(name) is None]
    if figures.eligible_by_education[UNKNOWN]:
        unknown.append("opleidingsniveau")
    figures.unknown_figures = tuple(unknown)
    return figures


def scenario_comparison(items: Sequence[Intake], day: dt.date) -> list[ScenarioFigures]:
    """The regime in force on `day` next to the SERV's scenario, on the same intakes."""
    if SCENARIO not in load_policy().regimes:
        raise LookupError(f"the policy has no regime {SCENARIO!r}")
    return [scenario_figures(items, day, None), scenario_figures(items, day, SCENARIO)]


# ---- everything ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    day: dt.date
    period: Period
    regime: str
    regime_label: str
    weeks: list[WeekCounts]
    funnel: Funnel
    age_bands: AgeBands
    education: list[GroupFigures]
    age: list[GroupFigures]
    budget: Budget
    scenarios: list[ScenarioFigures]
    recorded_eligible: int  # eligible as decided at the time (the scenarios re-screen on `day`)


def build_dashboard(
    day: dt.date,
    period: Period,
    decisions: Iterable[DecisionRow],
    bookings: Iterable[BookingRow],
    conversations: Iterable[str],
) -> Dashboard:
    booking_list = list(bookings)
    by_reference = {b.reference: b for b in booking_list}
    items = intakes(decisions, by_reference, period)
    bands = AgeBands.for_day(day)
    view = regime_at(day)
    return Dashboard(
        day=day,
        period=period,
        regime=view.name,
        regime_label=view.regime.label,
        weeks=intakes_per_week(items, period),
        funnel=funnel(items, conversations),
        age_bands=bands,
        education=by_education(items),
        age=by_age(items, bands),
        budget=committed_budget(booking_list, period),
        scenarios=scenario_comparison(items, day),
        recorded_eligible=sum(1 for i in items if i.eligible),
    )


def summary(dashboard: Dashboard) -> dict[str, object]:
    """The figures as plain JSON-ready data (money and rates as strings, unknown as None), for
    notes and reports: `python -m verwijzing.monitoring.queries`."""

    def plain(value: object) -> object:
        return str(value) if isinstance(value, Decimal) else value

    return {
        "peildatum": dashboard.day.isoformat(),
        "periode": [dashboard.period.start.isoformat(), dashboard.period.end.isoformat()],
        "regime": dashboard.regime,
        "intakes_per_week": {w.week: w.per_channel for w in dashboard.weeks},
        "trechter": dict(dashboard.funnel.steps()),
        "per_opleidingsniveau": {g.group: {"intakes": g.decided, "in_aanmerking": g.eligible,
                                           "deel_in_aanmerking_pct": plain(g.eligibility_rate), "geboekt": g.booked}
                                 for g in dashboard.education},
        "per_leeftijd": {g.group: {"intakes": g.decided, "in_aanmerking": g.eligible,
                                   "deel_in_aanmerking_pct": plain(g.eligibility_rate), "geboekt": g.booked}
                         for g in dashboard.age},
        "budget": {line.regime: {"afspraken": line.bookings, "uren": plain(line.hours),
                                 "vergoeding": plain(line.gross),
                                 "gekende_bijdragen": plain(line.contributions_known),
                                 "uren_zonder_bijdrage_in_regeling": plain(line.hours_contribution_unknown),
                                 "uren_opleidingsniveau_onbekend": plain(line.hours_education_unknown),
                                 "netto": plain(line.net), "netto_ten_hoogste": plain(line.net_at_most)}
                   for line in dashboard.budget.lines},
        "budget_samen": {"vergoeding": plain(dashboard.budget.gross),
                         "gekende_bijdragen": plain(dashboard.budget.contributions_known),
                         "netto": plain(dashboard.budget.net),
                         "netto_ten_hoogste": plain(dashboard.budget.net_at_most)},
        "zoals_beslist_in_aanmerking": dashboard.recorded_eligible,
        "scenario": {s.regime: {"beoordeeld": s.screened, "in_aanmerking": s.eligible,
                                "waarvan_met_aanname_geen_eerder_gebruik": s.eligible_assuming_no_earlier_use,
                                "niet_in_aanmerking": s.not_eligible, "niet_te_beslissen": dict(s.undetermined),
                                "vergoeding_per_uur": plain(s.fee_per_hour),
                                "uren_per_persoon": plain(s.hours_per_person),
                                "vergoeding": plain(s.gross), "kost_na_bijdragen": plain(s.cost),
                                "onbekend": list(s.unknown_figures)}
                     for s in dashboard.scenarios},
    }
