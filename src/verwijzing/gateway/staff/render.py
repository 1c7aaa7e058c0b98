"""Server-rendered pages of the console: Jinja2 with autoescaping, one layout (base.html)."""
from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from verwijzing.gateway.staff.context import SESSION_TOKEN, STAFF
from verwijzing.staff import sessions

# The console's pages, in the order of its menu: (path, label, role that may see it).
NAVIGATION = (
    ("/staff/intake", "Nieuwe verwijzing", None),
    ("/staff/verwijzingen", "Verwijzingen", None),
    ("/staff/dashboard", "Dashboard", None),
    ("/staff/audit", "Auditlog", "beheerder"),
)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("verwijzing.gateway.staff", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def _page(name: str, status: int, context: dict[str, Any]) -> web.Response:
    html = environment().get_template(name).render(**context)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status,
                        headers=SECURITY_HEADERS)


def render(request: web.Request, name: str, *, status: int = 200, **context: Any) -> web.Response:
    """A page for the logged-in member: their login, the menu for their role, the CSRF field."""
    member = request[STAFF]
    token = sessions.csrf_token(request[SESSION_TOKEN])
    navigation = [(path, label) for path, label, role in NAVIGATION if role is None or member.is_beheerder]
    return _page(name, status, {
        "staff": member, "navigation": navigation, "current": request.path, "csrf": token,
        "csrf_field": lambda: Markup('<input type="hidden" name="csrf" value="{}">').format(token),
        **context})


def render_login(request: web.Request, *, nonce: str, next: str, error: str | None = None, login: str = "",
                 status: int = 200) -> web.Response:
    return _page("login.html", status, {
        "staff": None, "navigation": [], "current": request.path, "error": error, "login": login, "next": next,
        "csrf_field": lambda: Markup('<input type="hidden" name="csrf" value="{}">').format(nonce)})
