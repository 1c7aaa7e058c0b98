"""GET /bronnen through real HTTP (aiohttp test client over init_app): every policy item with its
value, status and sources on the reference day, read from the policy data itself, in a page with
the same safety headers as the chat page."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from tests.support.gateway import offline_settings
from verwijzing.gateway import init_app
from verwijzing.gateway.web import sources
from verwijzing.gateway.web.page import SECURITY_HEADERS
from verwijzing.gateway.web.sources import render_sources, status_words, value_words
from verwijzing.nl_be import date_words
from verwijzing.policy import load_policy

DAY = dt.date(2027, 3, 1)
EARLIER = dt.date(2026, 6, 1)
PROPOSAL, WITHDRAWN = "competentiecheck_pop", "jongerenorientatie"


def squash(text: str) -> str:
    """Runs of HTML white space as one space (a no-break space, as in "€ 15,00", stays)."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


@pytest.fixture
def config(tmp_path):
    # Nothing listens on port 9: the page needs neither the assistant nor a filled database.
    return offline_settings(f"sqlite:///{tmp_path / 'bronnen.db'}", peildatum_override=DAY)


class _Page(HTMLParser):
    """The tags, and each table row as {"name": the item's name, "cells": the texts of its cells}."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[dict] = []
        self._cell: list[str] | None = None
        self._in_name = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "tr":
            self.rows.append({"name": "", "cells": []})
        elif tag in ("th", "td"):
            self._cell = []
        elif tag == "code" and "naam" in (attributes.get("class") or ""):
            self._in_name = True

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1]["cells"].append(squash("".join(self._cell)))
            self._cell = None
        elif tag == "code":
            self._in_name = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_name:
            self.rows[-1]["name"] += data


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def by_name(page: _Page) -> dict[str, list[str]]:
    return {row["name"]: row["cells"] for row in page.rows if row["name"]}


async def get_page(aiohttp_client, config, day: dt.date = DAY):
    client = await aiohttp_client(init_app(dataclasses.replace(config, peildatum_override=day)))
    return client, await client.get("/bronnen")


async def test_the_page_is_dutch_html_with_one_h1_and_tables_a_screen_reader_can_read(aiohttp_client, config):
    _, response = await get_page(aiohttp_client, config)
    assert response.status == 200
    assert response.content_type == "text/html" and response.charset == "utf-8"
    page = parse(await response.text())
    tags = [tag for tag, _ in page.tags]
    assert ("html", {"lang": "nl"}) in page.tags
    assert tags.count("h1") == 1
    assert tags.count("table") == tags.count("caption") >= 3
    headers = [attrs for tag, attrs in page.tags if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)
    # The CSP forbids inline code: no script at all here, no style element or attribute.
    assert "script" not in tags
    assert not [tag for tag, attrs in page.tags if tag == "style" or "style" in attrs]
    assert not [(tag, a) for tag, attrs in page.tags for a in attrs if a.startswith("on")]
    # The chat page's own stylesheet, under its content hash.
    assert [attrs["href"] for tag, attrs in page.tags if tag == "link" and attrs.get("rel") == "stylesheet"] == [
        sources.asset_url("chat.css")]


async def test_it_has_the_same_safety_headers_as_the_chat_page(aiohttp_client, config):
    client, response = await get_page(aiohttp_client, config)
    chat_page = await client.get("/")
    for header in [*SECURITY_HEADERS, "Cache-Control"]:
        assert response.headers[header] == chat_page.headers[header], header
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in response.headers


async def test_every_parameter_regime_and_item_of_the_policy_has_a_row(aiohttp_client, config):
    _, response = await get_page(aiohttp_client, config)
    text = await response.text()
    rows = by_name(parse(text))
    policy = load_policy()
    names = [*policy.parameters, *policy.regimes, *policy.items]
    assert sorted(rows) == sorted(names)
    for name, regime in policy.regimes.items():
        assert regime.label.lower() in rows[name][0].lower()
    for name, entry in {**policy.parameters, **policy.items}.items():
        assert squash(entry.description) in rows[name][0]


@pytest.mark.parametrize("day", [EARLIER, DAY])
async def test_each_row_says_the_status_and_value_of_the_day(aiohttp_client, config, day):
    _, response = await get_page(aiohttp_client, config, day)
    text = await response.text()
    assert f"op {date_words(day)}" in text
    rows = by_name(parse(text))
    policy = load_policy()
    for name in [*policy.parameters, *policy.regimes, *policy.items]:
        assert status_words(policy.status(name, day)) in rows[name], name
    for name, parameter in policy.parameters.items():
        assert rows[name][1].removeprefix("nog ") == value_words(parameter.at(day), parameter.unit), name


def test_the_two_days_above_differ_in_some_value():
    # Otherwise the test above could not tell the day's value from a fixed one.
    parameters = load_policy().parameters.values()
    assert any(p.at(EARLIER) != p.at(DAY) for p in parameters)


async def test_a_proposal_and_a_withdrawn_item_say_so_in_plain_dutch(aiohttp_client, config):
    policy = load_policy()
    assert policy.status(PROPOSAL, DAY) == "proposal" and policy.status(WITHDRAWN, DAY) == "withdrawn"
    _, response = await get_page(aiohttp_client, config)
    rows = by_name(parse(await response.text()))
    assert rows[PROPOSAL][1] == "plan, nog niet definitief"
    assert rows[WITHDRAWN][1] == "ingetrokken"


async def test_the_sources_are_shown_verbatim(aiohttp_client, config):
    _, response = await get_page(aiohttp_client, config)
    rows = by_name(parse(await response.text()))
    policy = load_policy()
    # The withdrawn youth orientation's source has a §, quotes and brackets: shown as written.
    reference = policy.items[WITHDRAWN].reference[0]
    assert "§" in reference and reference in rows[WITHDRAWN][-1]
    for name, entry in {**policy.parameters, **policy.regimes, **policy.items}.items():
        for source in entry.reference:
            if isinstance(source, str):
                assert squash(source) in rows[name][-1], name


async def test_the_chat_page_links_to_it(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    page = parse(await (await client.get("/")).text())
    assert ("a", {"href": "/bronnen"}) in page.tags


def test_everything_from_the_data_is_escaped_and_extra_fields_change_nothing(monkeypatch):
    """A policy object with more than today's fields and methods (a publication date, say) and
    markup in its texts: the page still renders, and shows the markup as text."""
    day = dt.date(2027, 3, 1)

    class Entry(SimpleNamespace):
        def status(self, on: dt.date) -> str:
            return self.statuses[-1][1]

        def at(self, on: dt.date):
            return self.values[-1][1]

        def published(self, on: dt.date) -> dt.date:
            return day

    figure = Entry(name="figuur", description='<b>"x"</b> & y', unit="EUR/hour", reference=("<script>z</script>",),
                   values=((dt.date(2027, 1, 1), 12.5),), statuses=((dt.date(2027, 1, 1), "certain"),),
                   publication=day)
    item = Entry(name="ding", description="een ding", reference="§ 1 <i>", statuses=((dt.date.min, "later"),))
    policy = SimpleNamespace(parameters={"figuur": figure}, regimes={}, items={"ding": item},
                             publications={"decreet": object()}, publication_date=lambda name: day)
    monkeypatch.setattr(sources, "load_policy", lambda: policy)
    page = render_sources(day)
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;z&lt;/script&gt;" in page and "&lt;b&gt;" in page
    rows = by_name(parse(page))
    assert rows["figuur"][1:4] == ["€\u00a012,50 per uur", "zeker", "1 januari 2027"]
    assert rows["ding"][1:] == ["later", "geen datum bekend", "§ 1 <i>"]


async def test_the_page_says_which_official_text_would_make_the_plan_a_rule(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    page = await (await client.get("/bronnen")).text()
    assert "Officiële teksten" in page and "nog niet gepubliceerd" in page
