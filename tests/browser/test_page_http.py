"""The chat page's routes through real HTTP (aiohttp test client): what a browser is sent, the
headers that keep it safe and cached, and that the files ship with the package."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.gateway import offline_settings
from verwijzing.booking.figures import retention_years
from verwijzing.gateway import init_app
from verwijzing.gateway.web.page import ASSETS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path):
    # Nothing listens on port 9: the page itself needs no assistant.
    return offline_settings(f"sqlite:///{tmp_path / 'page.db'}", peildatum_override=dt.date(2027, 3, 1))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


async def test_the_page_is_dutch_and_allows_only_its_own_scripts_and_styles(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    response = await client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    csp = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == csp["script-src"] == csp["style-src"] == csp["connect-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"

    tags = parse(await response.text())
    assert ("html", {"lang": "nl"}) in tags.tags
    # The CSP forbids inline code: every script comes from a file, no style element or attribute.
    assert all(attrs.get("src") for tag, attrs in tags.tags if tag == "script")
    assert not [tag for tag, attrs in tags.tags if tag == "style" or "style" in attrs]
    assert not [(tag, a) for tag, attrs in tags.tags for a in attrs if a.startswith("on")]
    # Without JavaScript the form must not put what was typed (a national number) in the URL.
    assert [attrs.get("method") for tag, attrs in tags.tags if tag == "form"] == ["post"]


async def test_get_page_sets_no_cookie(aiohttp_client, config):
    # SameSite=Strict is not sent when a person follows a link from another site: a cookie set
    # here would replace their conversation. POST /chat sets it.
    client = await aiohttp_client(init_app(config))
    response = await client.get("/")
    assert "Set-Cookie" not in response.headers


async def test_the_privacy_notice_comes_before_the_message_box(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    page = await (await client.get("/")).text()
    notice = page.index('id="privacy-titel"')
    assert notice < page.index('id="bericht"')
    text = re.sub(r"\s+", " ", page[notice:page.index('id="bericht"')])
    assert "rijksregisternummer" in text and "telefoonnummer" in text
    assert "Wis mijn gesprek" in text


@pytest.mark.parametrize("day", [dt.date(2026, 6, 1), dt.date(2027, 3, 1)])
async def test_the_retention_period_is_the_policy_figure_of_the_day(aiohttp_client, config, day):
    client = await aiohttp_client(init_app(dataclasses.replace(config, peildatum_override=day)))
    page = await (await client.get("/")).text()
    assert f"bewaren we {retention_years(day)} jaar" in page


async def test_linked_files_are_cached_for_a_year_under_their_content_hash(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    tags = parse(await (await client.get("/")).text())
    links = [attrs.get("src") or attrs.get("href") for tag, attrs in tags.tags
             if tag in ("script", "link") and (attrs.get("src") or attrs.get("href", "")).startswith("/static/")]
    assert sorted(link.split("?")[0].removeprefix("/static/") for link in links) == sorted(ASSETS)
    for link in links:
        response = await client.get(link)
        body = await response.read()
        assert response.status == 200
        assert response.content_type == ASSETS[link.split("?")[0].removeprefix("/static/")]
        assert link.endswith("?v=" + hashlib.sha256(body).hexdigest()[:16])
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        # An old or missing version is not kept: the browser checks, and gets 304 if unchanged.
        stale = await client.get(link.split("?")[0] + "?v=old")
        assert stale.headers["Cache-Control"] == "no-cache"
        again = await client.get(link.split("?")[0], headers={"If-None-Match": stale.headers["ETag"]})
        assert again.status == 304


@pytest.mark.parametrize("path", ["/static/index.html", "/static/nope.js", "/static/..%2Fpage.py",
                                  "/static/%2e%2e/page.py"])
async def test_only_the_listed_files_are_served(aiohttp_client, config, path):
    client = await aiohttp_client(init_app(config))
    response = await client.get(path)
    assert response.status == 404
    assert "def " not in await response.text()


def test_every_file_of_the_package_ships_in_the_wheel(tmp_path):
    # Built from a copy: a build leaves build/ and egg-info behind.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "--disable-pip-version-check", "-w", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("verwijzing-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ["index.html", *ASSETS]:
        assert f"verwijzing/gateway/web/static/{name}" in names
    # The page, the texts, the policy, the place tables, the templates: whatever the code reads.
    package = ROOT / "src" / "verwijzing"
    files = {f"verwijzing/{p.relative_to(package)}" for p in package.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    assert sorted(files - names) == []
