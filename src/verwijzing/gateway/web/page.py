"""The citizen's chat page: `GET /` and its static files under `/static/`.

The Content-Security-Policy allows only the page's own origin and no inline script or style, so
all behaviour lives in static/chat.js and all looks in static/chat.css. Those and the icon are
served by name from a fixed list (nothing else on disk is reachable) with a hash of their content
in the URL the page links to: a browser may keep them for a year, and a new release changes the URL.
The page itself is revalidated on every visit: it carries the retention period of the day.

`GET /` sets no cookie. The conversation cookie is SameSite=Strict, so a browser that arrives
from a link on another site does not send it with that first request; a new id set here would
overwrite the person's conversation. `POST /chat` sets it when missing (a same-site request).
"""
from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from functools import cache
from importlib import resources

from aiohttp import web

from verwijzing.booking.figures import retention_years
from verwijzing.gateway.keys import SETTINGS

ASSETS = {"chat.css": "text/css", "chat.js": "text/javascript", "favicon.svg": "image/svg+xml"}

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    version: str

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def _static(name: str) -> bytes:
    return (resources.files(__package__) / "static" / name).read_bytes()


@cache
def assets() -> dict[str, Asset]:
    return {name: Asset(_static(name), content_type, hashlib.sha256(_static(name)).hexdigest()[:16])
            for name, content_type in ASSETS.items()}


def asset_url(name: str) -> str:
    return f"/static/{name}?v={assets()[name].version}"


def retention_sentence(years: int | None) -> str:
    """The privacy notice says only what the policy data says about how long records are kept."""
    if years is None:
        return "Hoe lang we gegevens over een afspraak bewaren, is nog niet bekend."
    return f"Gegevens over je afspraak bewaren we {years} jaar. Daarna wissen we ze."


def render_page(years: int | None) -> str:
    page = _static("index.html").decode("utf-8")
    values = {"{{bewaartermijn}}": retention_sentence(years), **{"{{" + n + "}}": asset_url(n) for n in ASSETS}}
    for placeholder, value in values.items():
        page = page.replace(placeholder, html.escape(value))
    return page


async def index(request: web.Request) -> web.Response:
    years = retention_years(request.app[SETTINGS].peildatum)
    return web.Response(text=render_page(years), content_type="text/html", charset="utf-8",
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


async def static(request: web.Request) -> web.Response:
    asset = assets().get(request.match_info["name"])
    if asset is None:
        raise web.HTTPNotFound(text="Dit bestand bestaat niet.")
    # Only the URL with the current hash may be kept for long; any other is checked each time.
    cache = f"public, max-age={YEAR}, immutable" if request.query.get("v") == asset.version else "no-cache"
    headers = {**SECURITY_HEADERS, "Cache-Control": cache, "ETag": asset.etag}
    if asset.etag in (request.headers.get("If-None-Match") or ""):
        return web.Response(status=304, headers=headers)
    return web.Response(body=asset.body, content_type=asset.content_type, charset="utf-8", headers=headers)


def add_page_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/static/{name}", static)
