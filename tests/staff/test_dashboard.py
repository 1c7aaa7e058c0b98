"""The dashboard's figures on a known data set (tests/staff/dashboard_data.py, computed by hand),
read from a real database (SQLite and PostgreSQL), and the page that shows them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from tests.staff import dashboard_data as data
from verwijzing.decision.facts import Facts, parse_facts
from verwijzing.monitoring.budget import committed_budget
from verwijzing.monitoring.intakes import AgeBands, BookingRow, DecisionRow, Period
from verwijzing.monitoring.queries import load_dashboard
from verwijzing.monitoring.scenarios import rescreen
from verwijzing.store import make_sessionmaker


@pytest.fixture
def staff_config(staff_config):
    """The console as on the data set's reference date."""
    return dataclasses.replace(staff_config, peildatum_override=data.DAY)


@pytest.fixture
def seeded(db):
    with make_sessionmaker(db).begin() as session:
        data.seed(session)
    data.add_events(db)
    yield db
    data.drop_events(db)


@pytest.fixture
def dashboard(seeded):
    with make_sessionmaker(seeded)() as session:
        return load_dashboard(session, data.DAY)


def test_the_default_period_is_the_twelve_iso_weeks_up_to_the_reference_date(dashboard):
    assert dashboard.period == Period(dt.date(2026, 12, 14), dt.date(2027, 3, 1))
    assert [w.week for w in dashboard.weeks] == data.WEEK_LABELS


def test_intakes_per_week_and_channel(dashboard):
    zero = {"web": 0, "sms": 0, "voice": 0, "staff": 0}
    assert {w.week: w.per_channel for w in dashboard.weeks} == {w: data.WEEKS.get(w, zero) for w in data.WEEK_LABELS}
    assert sum(w.total for w in dashboard.weeks) == data.FUNNEL["decided"]


def test_funnel(dashboard):
    funnel = dashboard.funnel
    assert {name: getattr(funnel, name) for name in data.FUNNEL} == data.FUNNEL
    assert [count for _, count in funnel.steps()] == [10, 9, 6, 3, 2]


def test_eligibility_and_bookings_by_education_level(dashboard):
    found = {g.group: (g.decided, g.eligible, g.booked, g.eligibility_rate) for g in dashboard.education}
    assert found == data.EDUCATION


def test_eligibility_and_bookings_by_age_band_with_the_rules_age_limit(dashboard):
    # jongeren_leeftijdsgrens (30) is a cut of its own between the usual 25 and 35.
    assert dashboard.age_bands.labels == tuple(data.AGE)
    assert {g.group: (g.decided, g.eligible, g.booked, g.eligibility_rate) for g in dashboard.age} == data.AGE


def test_committed_budget_per_regime_of_the_appointment_day(dashboard):
    lines = {line.regime: line for line in dashboard.budget.lines}
    assert set(lines) == set(data.BUDGET)
    for regime, expected in data.BUDGET.items():
        line = lines[regime]
        assert {name: getattr(line, name) for name in expected} == expected, regime
    assert lines["loopbaancheque-overgang"].fees == {Decimal("150.07")}
    assert lines["loopbaankrediet"].fees == {Decimal(90)}
    total = dashboard.budget
    assert {name: getattr(total, name) for name in data.BUDGET_TOTAL} == data.BUDGET_TOTAL


def test_scenario_comparison_on_the_recorded_intakes(dashboard):
    assert dashboard.regime == "loopbaankrediet"
    assert dashboard.recorded_eligible == data.RECORDED_ELIGIBLE
    found = {s.regime: s for s in dashboard.scenarios}
    assert list(found) == list(data.SCENARIOS)
    for regime, expected in data.SCENARIOS.items():
        figures = found[regime]
        got = {name: getattr(figures, name) for name in expected}
        got["undetermined"] = dict(figures.undetermined)
        assert got == expected, regime
    assert found["serv-advies"].scenario and not found["loopbaankrediet"].scenario


def test_an_empty_database_gives_zeros_and_no_budget(db):
    with make_sessionmaker(db)() as session:
        empty = load_dashboard(session, data.DAY)
    assert [count for _, count in empty.funnel.steps()] == [0, 0, 0, 0, 0]
    assert empty.budget.lines == [] and empty.budget.net == 0
    assert all(g.eligibility_rate is None for g in empty.education)
    assert [s.eligible for s in empty.scenarios] == [0, 0]


# ---- the pure parts where the data set has no case ---------------------------------------


def _booking(reference: str, day: dt.date, level: str | None, minutes: int = 120, status: str = "confirmed"):
    confirmed = dt.datetime.combine(day, dt.time(9), dt.UTC) - dt.timedelta(days=7)
    return BookingRow(reference, status, day, minutes, confirmed, level)


def test_budget_net_is_stated_only_when_every_contribution_is_known():
    period = Period(dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    budget = committed_budget([_booking("LK-0001", dt.date(2027, 2, 1), "kort"),
                               _booking("LK-0002", dt.date(2027, 2, 2), "hoog", minutes=90)], period)
    # 2 h × (90 − 15) + 1.5 h × (90 − 25)
    assert budget.gross == Decimal("315.00") and budget.contributions_known == Decimal("67.50")
    assert budget.net == Decimal("247.50")


def test_the_budget_says_which_part_was_held_and_debited():
    period = Period(dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    budget = committed_budget([_booking("LK-0001", dt.date(2027, 2, 1), "kort", status="attended"),
                               _booking("LK-0002", dt.date(2027, 2, 2), "hoog")], period)
    assert (budget.held, budget.held_gross, budget.gross) == (1, Decimal("180.00"), Decimal("360.00"))


def test_the_2026_cheque_has_no_contribution_so_the_net_budget_is_unknown():
    period = Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    budget = committed_budget([_booking("LK-0001", dt.date(2026, 11, 20), "midden"),
                               _booking("LK-0002", dt.date(2026, 11, 23), None)], period)
    line, = budget.lines
    assert line.regime == "loopbaancheque-overgang" and line.gross == Decimal("600.28")
    # Unknown because the regime gives no contribution, whatever the education level (known or not).
    assert (line.hours_contribution_unknown, line.hours_education_unknown) == (4, 0)
    assert line.net is None and line.net_at_most == Decimal("600.28")


def test_a_booking_on_a_day_of_the_credit_uses_that_days_fee_even_when_confirmed_under_the_cheque():
    period = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    booking = BookingRow("LK-0001", "confirmed", dt.date(2027, 1, 4), 120,
                         dt.datetime(2026, 12, 30, 9, tzinfo=dt.UTC), "kort")
    line, = committed_budget([booking], period).lines
    assert (line.regime, line.gross, line.net) == ("loopbaankrediet", Decimal("180.00"), Decimal("150.00"))


def test_rescreen_says_which_fact_is_missing_when_it_decides_the_outcome():
    facts = Facts(hulpvraag=parse_facts({"hulpvraag": "loopbaan"}).hulpvraag)
    assert rescreen(facts, data.DAY, None) == (None, False, "werkstatus")


def test_rescreen_needs_no_education_level_to_decide_eligibility():
    facts = parse_facts({**data.WORKING, "woonregio": "vlaanderen", "werkervaring_jaren": 9, "eerder_gebruikt_uren": 0})
    assert rescreen(facts, data.DAY, None) == (True, False, None)


def test_age_bands_follow_the_policys_youth_limit():
    bands = AgeBands.for_day(data.DAY)
    assert [bands.band(age) for age in (None, 18, 24, 25, 29, 30, 34, 35, 54, 55, 67)] == [
        "onbekend", "<25", "<25", "25–29", "25–29", "30–34", "30–34", "35–44", "45–54", "55+", "55+"]


def test_a_conversation_counts_once_with_its_latest_decision():
    from verwijzing.monitoring.intakes import intakes
    when = dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC)
    rows = [DecisionRow(1, when, "web", "vdab_bemiddeling", "loopbaankrediet", False, Facts(), "x"),
            DecisionRow(2, when + dt.timedelta(minutes=5), "web", "loopbaankrediet", "loopbaankrediet", True,
                        Facts(), "x", "LK-0001"),
            DecisionRow(3, when, "staff", "geen", "loopbaankrediet", False, Facts())]
    booking = _booking("LK-0001", dt.date(2027, 2, 8), None, status="attended")
    found = intakes(rows, {"LK-0001": booking}, Period(dt.date(2027, 1, 1), dt.date(2027, 3, 1)))
    assert [(i.decision.id, i.eligible, i.booked, i.attended) for i in found] == [(3, False, False, False),
                                                                                  (2, True, True, True)]


# ---- the page ------------------------------------------------------------------------------


class _Charts(HTMLParser):
    """Every <svg> with what names it, and the text of every table cell."""

    def __init__(self):
        super().__init__()
        self.svgs: list[dict[str, str]] = []
        self.ids: set[str] = set()
        self.cells: list[str] = []
        self.styles = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        # Inline style or script (the console's own script file, src="/staff/static/…", is allowed).
        if "style" in attributes or tag == "style" or (tag == "script" and not
                                                        str(attributes.get("src", "")).startswith("/staff/static/")):
            self.styles += 1
        if tag == "svg":
            self.svgs.append(attributes)
        if tag in ("td", "th"):
            self._cell = []

    def handle_data(self, text):
        if self._cell is not None:
            self._cell.append(text)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None


@pytest.mark.parametrize("role", ["consulent", "beheerder"])
async def test_the_page_shows_the_figures_to_both_roles(seeded, staff_client, role):
    client = await staff_client(role)
    response = await client.get("/staff/dashboard")
    assert response.status == 200
    html = await response.text()
    page = _Charts()
    page.feed(html)
    # Every chart is an image named by its own title and description, and has a table next to it.
    assert len(page.svgs) >= 6
    for svg in page.svgs:
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") and all(i in page.ids for i in svg["aria-labelledby"].split())
    assert page.styles == 0  # the CSP allows no inline style or script
    cells = page.cells
    # The funnel, the budget and the scenarios as the hand computation says, in Dutch notation.
    for row in (["gestart", "10"], ["beslist", "9"], ["in aanmerking", "6"], ["geboekt", "3"], ["bijgewoond", "2"]):
        assert _row_after(cells, row[0])[:1] == row[1:], row
    assert "€ 795,14" in cells and "€ 300,14" in cells and "€ 495,00" in cells
    assert "€ 2.460,00" in cells
    assert "onbekend" in cells
    assert "100,0 %" in cells and "50,0 %" in cells
    assert any(cell.startswith("2027-W09") for cell in cells)
    assert "tijdelijke loopbaancheque" in html and "geen bijdrage" in html.lower()


def _row_after(cells: list[str], header: str) -> list[str]:
    index = cells.index(header)
    return cells[index + 1:index + 2]


async def test_the_page_on_an_empty_database(staff_client):
    client = await staff_client()
    response = await client.get("/staff/dashboard")
    assert response.status == 200
    assert "Nog geen verwijzingen" in await response.text()


async def test_the_page_refuses_without_login(staff_config, aiohttp_client):
    from verwijzing.gateway import init_app
    client = await aiohttp_client(init_app(staff_config))
    response = await client.get("/staff/dashboard", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/staff/login?next=")


async def test_a_period_can_be_chosen_and_bad_input_is_a_plain_400(seeded, staff_client):
    client = await staff_client()
    response = await client.get("/staff/dashboard?weken=4")
    html = await response.text()
    assert response.status == 200
    assert re.search(r"8 februari 2027.*1 maart 2027", html, re.S)
    year = await (await client.get("/staff/dashboard?weken=52")).text()
    # A year of weeks keeps the chart as wide as twelve: narrower columns, a label every few weeks.
    chart = year[year.index('aria-labelledby="intakes-per-week-titel'):]
    chart = chart[:chart.index("</svg>")]
    assert 'viewBox="0 0 720 ' in chart
    assert re.findall(r'text-anchor="middle" fill="#1a1a1a">(W\d\d)</text>', chart) == [
        "W11", "W15", "W19", "W23", "W27", "W31", "W35", "W39", "W43", "W47", "W51", "W02", "W06"]  # 2026 has a W53
    bad = await client.get("/staff/dashboard?weken=abc")
    assert bad.status == 400 and "weken" in (await bad.text()).lower()


def test_the_summary_for_notes_has_the_same_figures(dashboard):
    import json

    from verwijzing.monitoring.figures import summary
    found = json.loads(json.dumps(summary(dashboard)))
    assert found["trechter"] == {"gestart": 10, "beslist": 9, "in aanmerking": 6, "geboekt": 3, "bijgewoond": 2}
    assert found["budget_samen"] == {"vergoeding": "795.14", "gekende_bijdragen": "80.00", "netto": None,
                                     "netto_ten_hoogste": "715.14", "gesprekken_gehouden": 2,
                                     "vergoeding_gehouden": "480.14"}
    assert found["scenario"]["loopbaankrediet"]["kost_na_bijdragen"] == "2460.00"
    assert found["scenario"]["serv-advies"]["kost_na_bijdragen"] is None
