"""GET /staff/dashboard: the monitoring figures (verwijzing.monitoring) as tables and charts.

Aggregated figures only, for both roles. The charts are inline SVG drawn on the server (no
script, no CDN, no style attribute: the console's CSP allows none); each one is an image named
by its own <title> and <desc>, with a table of the same figures next to it. The geometry is
computed here, the templates only place it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from verwijzing.gateway.keys import SESSIONS, peildatum
from verwijzing.gateway.staff.auth import login_required
from verwijzing.gateway.staff.render import render
from verwijzing.monitoring.figures import Dashboard
from verwijzing.monitoring.intakes import CHANNELS, Period
from verwijzing.monitoring.queries import load_dashboard
from verwijzing.monitoring.scenarios import SCENARIO
from verwijzing.nl_be import euro, long_date, number_or_unknown, percent, short_date
from verwijzing.policy import load_policy

MAX_WEEKS = 104
# Short, so that the week table fits a phone: "consulent" is an intake by a VDAB consulent.
CHANNEL_WORDS = {"web": "chat", "sms": "sms", "voice": "telefoon", "staff": "consulent"}
# Colours: AA contrast on white for text (#1a1a1a 17:1) and at least 3:1 for the bars
# (#0b4f8a 8:1, #8a4b00 6.6:1); every bar also carries its figure as text, so no colour is needed
# to read the chart.
INK, BAR, SECOND = "#1a1a1a", "#0b4f8a", "#8a4b00"
FIGURE_NAMES = {
    "vergoeding_begeleider_per_uur": "vergoeding van de begeleider per uur",
    "krediet_uren": "aantal uren per persoon",
    "bijdrage_per_uur_kortgeschoold": "bijdrage per uur (kortgeschoold)",
    "bijdrage_per_uur_standaard": "bijdrage per uur (midden- en hooggeschoold)",
    "opleidingsniveau": "opleidingsniveau van wie in aanmerking komt",
}


# ---- chart geometry ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: float
    text: str  # the figure as written next to the bar
    colour: str = BAR
    heading: bool = False  # a row that only names the bars below it


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars: a label column, the bars, the figure after each bar."""

    id: str
    title: str
    desc: str
    bars: list[Bar]
    height: int
    label_width: int
    bar_area: int = 400
    row: int = 30

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + 150  # room for the figure after the longest bar


# About the width of one character of the charts' 14px sans-serif text, to size the label column.
CHARACTER = 7.6


def bar_chart(id: str, title: str, desc: str, rows: Sequence[tuple[str, float | None, str]], *,
              maximum: float | None = None, colour: str = BAR) -> BarChart:
    """`rows`: (label, value, the figure as text); a value None makes a heading row."""
    label_width = int(max([12, *(len(label) for label, value, _ in rows if value is not None)]) * CHARACTER) + 12
    top = max([maximum or 0, *(value for _, value, _ in rows if value is not None)]) or 1
    row, area = BarChart.row, BarChart.bar_area
    bars = [Bar(label, 8 + i * row, 0 if value is None else round(area * value / top, 1), text, colour,
                heading=value is None)
            for i, (label, value, text) in enumerate(rows)]
    return BarChart(id, title, desc, bars, 16 + len(rows) * row, label_width)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    value: int
    title: str


@dataclass(frozen=True)
class WeekPanel:
    channel: str
    top: int
    columns: list[Column]


@dataclass(frozen=True)
class WeekChart:
    """Small multiples: one row of weekly columns per channel, on one scale, so each channel is
    read from its own labelled row rather than from a colour."""

    id: str
    title: str
    desc: str
    panels: list[WeekPanel]
    weeks: list[tuple[float, str]]  # (x of the column's centre, short week label)
    height: int
    width: int = 720
    left: int = 130
    step: float = 46
    panel: int = 70  # height of one channel's row
    bar: float = 30
    scale_max: int = 1

    @property
    def values_shown(self) -> bool:
        """Figures above the columns only when they fit; the table below always has them."""
        return self.step >= 24


def week_chart(dashboard: Dashboard) -> WeekChart:
    weeks = dashboard.weeks
    base = WeekChart("intakes-per-week", "", "", [], [], 0)
    # A longer period gets narrower columns, so the chart keeps its width (and its text its size).
    step = min(base.step, (base.width - base.left - 10) / max(1, len(weeks)))
    bar = round(step * 0.65, 1)
    label_every = 1 if step >= 40 else int(40 // step) + 1
    top = max([1, *(count for week in weeks for count in week.per_channel.values())])
    usable = base.panel - 26  # room for the figure above the tallest column
    panels = []
    for row, channel in enumerate(CHANNELS):
        panel_top = 10 + row * base.panel
        columns = []
        for index, week in enumerate(weeks):
            value = week.per_channel[channel]
            height = round(usable * value / top, 1)
            x = round(base.left + index * step + (step - bar) / 2, 1)
            columns.append(Column(x, panel_top + base.panel - 8 - height, height, value,
                                  f"{CHANNEL_WORDS[channel]}, week {week.week}: {value}"))
        panels.append(WeekPanel(CHANNEL_WORDS[channel], panel_top, columns))
    labels = [(round(base.left + index * step + step / 2, 1), week.week.split("-")[1])
              for index, week in enumerate(weeks) if index % label_every == 0]
    total = sum(week.total for week in weeks)
    busiest = max(weeks, key=lambda w: w.total) if weeks else None
    desc = (f"{total} intakes in {len(weeks)} weken, per kanaal een rij met een kolom per week."
            + (f" Drukste week: {busiest.week} met {busiest.total}." if busiest and busiest.total else ""))
    return WeekChart(base.id, "Intakes per week en kanaal", desc, panels, labels,
                     height=10 + len(CHANNELS) * base.panel + 24, step=step, bar=bar, scale_max=top)


# ---- the page's charts ---------------------------------------------------------------------


def charts(dashboard: Dashboard) -> dict[str, object]:
    funnel = dashboard.funnel
    steps = funnel.steps()
    result: dict[str, object] = {
        "weeks": week_chart(dashboard),
        "funnel": bar_chart(
            "trechter", "Trechter: van gestart tot bijgewoond",
            ", ".join(f"{name}: {count}" for name, count in steps) + ".",
            [(name, count, number_or_unknown(count)) for name, count in steps]),
    }
    for key, title, groups in (("opleiding", "opleidingsniveau", dashboard.education),
                               ("leeftijd", "leeftijdsgroep", dashboard.age)):
        result[f"{key}_rate"] = bar_chart(
            f"{key}-in-aanmerking", f"Deel in aanmerking per {title}",
            "; ".join(f"{g.group}: {percent(g.eligibility_rate)} van {g.decided}" for g in groups) + ".",
            [(g.group, float(g.eligibility_rate or 0), f"{percent(g.eligibility_rate)} van {g.decided}")
             for g in groups], maximum=100)
        result[f"{key}_booked"] = bar_chart(
            f"{key}-geboekt", f"Geboekt per {title}",
            "; ".join(f"{g.group}: {g.booked}" for g in groups) + ".",
            [(g.group, g.booked, number_or_unknown(g.booked)) for g in groups], colour=SECOND)
    budget_rows: list[tuple[str, float | None, str]] = []
    for line in dashboard.budget.lines:
        budget_rows.append((line.label, None, ""))
        budget_rows.append(("vergoeding", float(line.gross), euro(line.gross)))
        budget_rows.append(("gekende bijdragen", float(line.contributions_known), euro(line.contributions_known)))
    result["budget"] = bar_chart(
        "budget", "Vastgelegd budget per regeling",
        "; ".join(f"{line.label}: vergoeding {euro(line.gross)}, gekende bijdragen {euro(line.contributions_known)}, "
                  f"netto {euro(line.net) if line.net is not None else 'onbekend'}"
                  for line in dashboard.budget.lines) + "." if dashboard.budget.lines else "Geen boekingen.",
        budget_rows)
    scenario_rows = [("zoals beslist", dashboard.recorded_eligible, number_or_unknown(dashboard.recorded_eligible))]
    scenario_rows += [(s.label, s.eligible, number_or_unknown(s.eligible)) for s in dashboard.scenarios]
    result["scenario"] = bar_chart(
        "scenario", "In aanmerking: regeling nu en scenario SERV-advies",
        "; ".join(f"{label}: {text}" for label, _, text in scenario_rows) + f", van {funnel.decided} intakes.",
        scenario_rows)
    return result


def unknown_words(names: tuple[str, ...]) -> list[str]:
    return [FIGURE_NAMES.get(name, name) for name in names]


# ---- the handler ---------------------------------------------------------------------------


def _period(request: web.Request, day: dt.date) -> Period:
    raw = request.query.get("weken", "").strip()
    if not raw:
        return Period.weeks_up_to(day)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_WEEKS:
        raise web.HTTPBadRequest(text=f"'weken' moet een aantal weken zijn van 1 tot {MAX_WEEKS}.")
    return Period.weeks_up_to(day, int(raw))


def _minutes(value: dt.timedelta | None) -> str:
    return "onbekend" if value is None else f"{round(value.total_seconds() / 60, 1):g} min".replace(".", ",")


@login_required()
async def dashboard_page(request: web.Request) -> web.Response:
    day = peildatum(request)
    period = _period(request, day)

    def load() -> Dashboard:
        with request.config_dict[SESSIONS]() as session:
            return load_dashboard(session, day, period)

    dashboard = await asyncio.to_thread(load)
    policy = load_policy()
    return render(
        request, "dashboard.html", d=dashboard, charts=charts(dashboard), channels=CHANNELS,
        channel_words=CHANNEL_WORDS, euro=euro, number=number_or_unknown, percent=percent, long_date=long_date,
        short_date=short_date, minutes=_minutes,
        unknown_words=unknown_words, weeks=len(dashboard.weeks), ink=INK,
        youth_limit=policy.view(day).value("jongeren_leeftijdsgrens"),
        minimum_experience=policy.view(day).value("minimum_werkervaring_jaren"),
        scenario_experience=number_or_unknown(policy.view(day, SCENARIO).value("minimum_werkervaring_jaren")),
        scenario_trajectories=number_or_unknown(policy.view(day, SCENARIO).value("maximum_trajecten")),
    )


def add_dashboard_routes(app: web.Application) -> None:
    app.router.add_get("/dashboard", dashboard_page)
