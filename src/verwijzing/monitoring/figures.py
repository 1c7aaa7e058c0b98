"""Every figure of the staff dashboard for one period, built from the rows the queries read."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from verwijzing.monitoring.budget import Budget, committed_budget
from verwijzing.monitoring.handovers import CaseRow, HandoverFigures, NeededGroup, handover_figures
from verwijzing.monitoring.intakes import (
    AgeBands,
    BookingRow,
    DecisionRow,
    Funnel,
    GroupFigures,
    Period,
    WeekCounts,
    by_age,
    by_education,
    funnel,
    intakes,
    intakes_per_week,
)
from verwijzing.monitoring.scenarios import ScenarioFigures, scenario_comparison
from verwijzing.policy import regime_at

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
    handovers: HandoverFigures


def build_dashboard(
    day: dt.date,
    period: Period,
    decisions: Iterable[DecisionRow],
    bookings: Iterable[BookingRow],
    conversations: Iterable[str],
    cases: Iterable[CaseRow] = (),
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
        handovers=handover_figures(cases, items, bands),
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
                                 "netto": plain(line.net), "netto_ten_hoogste": plain(line.net_at_most),
                                 "gesprekken_gehouden": line.held, "vergoeding_gehouden": plain(line.held_gross)}
                   for line in dashboard.budget.lines},
        "budget_samen": {"vergoeding": plain(dashboard.budget.gross),
                         "gekende_bijdragen": plain(dashboard.budget.contributions_known),
                         "netto": plain(dashboard.budget.net),
                         "netto_ten_hoogste": plain(dashboard.budget.net_at_most),
                         "gesprekken_gehouden": dashboard.budget.held,
                         "vergoeding_gehouden": plain(dashboard.budget.held_gross)},
        "zoals_beslist_in_aanmerking": dashboard.recorded_eligible,
        "hulp_van_een_mens": _handover_summary(dashboard.handovers),
        "scenario": {s.regime: {"beoordeeld": s.screened, "in_aanmerking": s.eligible,
                                "waarvan_met_aanname_geen_eerder_gebruik": s.eligible_assuming_no_earlier_use,
                                "niet_in_aanmerking": s.not_eligible, "niet_te_beslissen": dict(s.undetermined),
                                "vergoeding_per_uur": plain(s.fee_per_hour),
                                "uren_per_persoon": plain(s.hours_per_person),
                                "vergoeding": plain(s.gross), "kost_na_bijdragen": plain(s.cost),
                                "onbekend": list(s.unknown_figures)}
                     for s in dashboard.scenarios},
    }


def _handover_summary(figures: HandoverFigures) -> dict[str, object]:
    def minutes(value: dt.timedelta | None) -> str | None:
        return None if value is None else str(round(value.total_seconds() / 60, 1))

    def groups(found: list[NeededGroup]) -> dict[str, object]:
        return {g.group: {"gesprekken": g.conversations, "mens_nodig": g.needed,
                          "deel_pct": None if g.share is None else str(g.share)} for g in found}

    return {"per_kanaal": figures.per_channel, "overgenomen": figures.waited,
            "wachttijd_mediaan_min": minutes(figures.wait_median), "wachttijd_p90_min": minutes(figures.wait_p90),
            "terugbellen_gevraagd": figures.callbacks, "teruggebeld_binnen_werkdag": figures.callbacks_in_time,
            "per_opleiding": groups(figures.by_education), "per_leeftijd": groups(figures.by_age)}
