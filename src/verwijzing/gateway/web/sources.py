"""`GET /bronnen`: where the assistant's rules come from, generated from the policy data.

One table per kind of policy item (verwijzing.policy): the figures (parameters/*.yaml), the
regimes and scenarios (regimes.yaml) and the items without a figure (items.yaml); then the
official texts that would turn a plan into a rule (publications.yaml), and whether they are out. Each row gives
the item's Dutch label (or, when the data has none, its description, which is written in English),
its value on the reference day (a figure, with its unit), its status on that day in plain Dutch,
the date from which that applies, and its sources verbatim. The page is for staff and the
curious, so the sources may name paragraphs and the concept note.

Everything is read generically (getattr, the items' own `status(day)`), so that a field or a
method the policy data gains later neither breaks the page nor needs a change here. The page
uses the chat page's stylesheet and headers (page.py): no script, no inline style.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import jinja2
from aiohttp import web

from verwijzing.gateway.keys import peildatum
from verwijzing.gateway.web.page import SECURITY_HEADERS, asset_url
from verwijzing.nl_be import date_words, euro, format_number
from verwijzing.policy import load_policy, status_legend

# Units of parameters/*.yaml in words; "EUR" is written as an amount, "A/B" as "A per B".
# A unit added later that is not here is shown as it is written in the data.
UNIT_WORDS = {"year": "jaar", "hour": "uur", "count": ""}


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    label_is_dutch: bool
    value: str | None  # a figure's value, a regime's period; None for an item without either
    status: str
    since: str
    sources: tuple[str, ...]


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("verwijzing.gateway.web", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def status_words(status: str) -> str:
    """The status as a reader says it (statuses.yaml's `woord`); a status added later by its name."""
    return status_legend().get(status, (status, ""))[0]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(entry: Any) -> tuple[str, bool]:
    """(text, whether it is Dutch): the entry's label when it has one, else its description."""
    label = getattr(entry, "label", None)
    if isinstance(label, str) and label.strip():
        return _sentence_case(label.strip()), True
    description = getattr(entry, "description", None)
    if isinstance(description, str) and description.strip():
        return description.strip(), False
    return str(getattr(entry, "name", "")), True


def _sources(entry: Any) -> tuple[str, ...]:
    """The entry's `reference` strings, verbatim."""
    reference = getattr(entry, "reference", None)
    if reference is None:
        return ()
    if isinstance(reference, str):
        return (reference,)
    return tuple(str(r) for r in reference)


def _dated(pairs: Any) -> list[tuple[dt.date, Any]]:
    """(date, x) pairs of a `statuses` or `values` field; anything else is no dates."""
    found = []
    for pair in pairs if isinstance(pairs, Iterable) else ():
        if isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], dt.date):
            found.append((pair[0], pair[1]))
    return found


def since_words(entry: Any, day: dt.date) -> str:
    """From when the entry's status (and a figure's value) on `day` applies: its last change on
    or before `day`. Before the first change the status is that of the first one, which applies
    from its own date ("pas vanaf …"). An undated status has no date to show. A regime's own
    period is not a change of its status: the period column gives it."""
    points = {start for start, _ in _dated(getattr(entry, "statuses", ())) + _dated(getattr(entry, "values", ()))}
    points.discard(dt.date.min)  # an undated status is stored as starting on date.min
    passed = [point for point in points if point <= day]
    if passed:
        return date_words(max(passed))
    if points:
        return "pas vanaf " + date_words(min(points))
    return "geen datum bekend"


def value_words(value: Any, unit: str) -> str:
    """A figure with its unit as a reader writes it: "7 jaar", "€ 15,00 per uur", "ja"."""
    if value is None:
        return "geen cijfer"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if not isinstance(value, int | float | Decimal):
        return str(value)
    amount, _, per = unit.partition("/")
    if amount == "EUR":
        text = euro(value)
    else:
        text = f"{format_number(value)} {UNIT_WORDS.get(amount, amount)}".strip()
    return f"{text} per {UNIT_WORDS.get(per, per) or per}" if per else text


def parameter_value(parameter: Any, day: dt.date) -> str:
    value = parameter.at(day)
    text = value_words(value, str(getattr(parameter, "unit", "") or ""))
    later = [start for start, v in _dated(getattr(parameter, "values", ())) if start > day and v is not None]
    if value is None and later:
        return "nog " + text  # a figure that comes later ("pas vanaf" in the date column)
    return text


def period_words(regime: Any, day: dt.date) -> str:
    if getattr(regime, "scenario", False):
        return "Geen periode: een scenario om te vergelijken, geen regel die geldt."
    start, end = (d if isinstance(d, dt.date) else None for d in (getattr(regime, "start", None),
                                                                   getattr(regime, "end", None)))
    if start and end:
        text = f"{date_words(start)} tot en met {date_words(end)}"
    elif start:
        text = f"vanaf {date_words(start)}"
    elif end:
        text = f"tot en met {date_words(end)}"
    else:
        text = "geen periode bekend"
    covers = getattr(regime, "covers", None)
    if callable(covers) and covers(day):
        text += " (geldt nu)"
    elif end and end < day:
        text += " (voorbij)"
    return _sentence_case(text)


def publication_words(name: str, publication: Any) -> tuple[str, str, str]:
    """(what it is, when it was published or that it is not yet, its reference)."""
    published = getattr(publication, "published", None)
    return (str(getattr(publication, "description", None) or name),
            date_words(published) if isinstance(published, dt.date) else "nog niet gepubliceerd",
            str(getattr(publication, "reference", None) or ""))


def _row(name: str, entry: Any, day: dt.date, value: str | None) -> Row:
    label, dutch = _label(entry)
    status = entry.status(day) if callable(getattr(entry, "status", None)) else "unknown"
    return Row(name, label, dutch, value, status_words(status), since_words(entry, day), _sources(entry))


def rows(table: Mapping[str, Any], day: dt.date, value: Any = None) -> list[Row]:
    """One row per entry of a policy table; `value(entry, day)` gives its value column, if any."""
    return [_row(name, entry, day, value(entry, day) if value else None) for name, entry in table.items()]


def render_sources(day: dt.date) -> str:
    policy = load_policy()
    return environment().get_template("bronnen.html").render(
        day=date_words(day),
        parameters=rows(getattr(policy, "parameters", {}), day, parameter_value),
        regimes=rows(getattr(policy, "regimes", {}), day, period_words),
        items=rows(getattr(policy, "items", {}), day),
        publications=[publication_words(name, p) for name, p in getattr(policy, "publications", {}).items()],
        legend=list(status_legend().values()),
        css=asset_url("chat.css"), favicon=asset_url("favicon.svg"),
    )


async def sources(request: web.Request) -> web.Response:
    return web.Response(text=render_sources(peildatum(request)), content_type="text/html", charset="utf-8",
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


def add_sources_routes(app: web.Application) -> None:
    app.router.add_get("/bronnen", sources)
