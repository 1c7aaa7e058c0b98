"""The recorded intakes screened again under another regime (the SERV's advice): how many would be
eligible, and how many only under an assumption about earlier use."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from verwijzing.decision.facts import Facts, MissingFact, Opleidingsniveau
from verwijzing.decision.screening import screen
from verwijzing.monitoring.budget import CENT, contribution_per_hour, money
from verwijzing.monitoring.intakes import (
    EDUCATION_GROUPS,
    UNKNOWN,
    Intake,
    education_group,
)
from verwijzing.policy import load_policy, regime_at

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
        gross, hours = self.gross, self.hours_per_person
        if gross is None or hours is None:
            return None
        total = Decimal(0)
        for level, count in self.eligible_by_education.items():
            if not count:
                continue
            per_hour = self.contributions.get(level)
            if per_hour is None:
                return None
            total += count * hours * per_hour
        return (gross - total).quantize(CENT, ROUND_HALF_UP)


def _with_fact(facts: Facts, name: str, value: object) -> Facts:
    """`facts` with the fact named `name` set: the name is only known at run time (the missing
    fact), so the value's type is not checked against the field's here."""
    changes: dict[str, Any] = {name: value}
    return replace(facts, **changes)


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
        eligible, _, still_missing = rescreen(_with_fact(facts, name, NO_EARLIER_USE[name]), day, regime)
        return eligible, True, still_missing
    if name in ENUM_FACTS:
        outcomes = {rescreen(_with_fact(facts, name, value), day, regime) for value in ENUM_FACTS[name]}
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
