"""Server-rendered pages of the console: Jinja2 with autoescaping, one layout (base.html)."""
from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from verwijzing.enums import VDAB_ROLES, StaffRole
from verwijzing.gateway.staff.context import SESSION_TOKEN, STAFF
from verwijzing.staff import sessions

# The console's pages, in the order of its menu: (path, label, roles that may see it).
NAVIGATION = (
    ("/staff/intake", "Nieuwe verwijzing", VDAB_ROLES),
    ("/staff/wachtrij", "Wachtrij", VDAB_ROLES),
    ("/staff/dossier", "Dossier zoeken", VDAB_ROLES),
    ("/staff/verwijzingen", "Verwijzingen", VDAB_ROLES),
    ("/staff/dashboard", "Dashboard", VDAB_ROLES),
    ("/staff/begeleiders", "Begeleiders", frozenset({StaffRole.BEHEERDER})),
    ("/staff/audit", "Auditlog", frozenset({StaffRole.BEHEERDER})),
    ("/staff/agenda", "Mijn agenda", frozenset({StaffRole.BEGELEIDER})),
    ("/staff/agenda/uren", "Mijn uren", frozenset({StaffRole.BEGELEIDER})),
    ("/staff/agenda/gesprekken", "Mijn gesprekken", frozenset({StaffRole.BEGELEIDER})),
    ("/staff/agenda/overzicht", "Overzicht per maand", frozenset({StaffRole.BEGELEIDER})),
    ("/staff/agenda/kalender", "Mijn kalender", frozenset({StaffRole.BEGELEIDER})),
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
    navigation = [(path, label) for path, label, roles in NAVIGATION if member.role in roles]
    # The menu item of this page: the longest one the path starts with (/staff/agenda/uren is
    # "Mijn uren", not also "Mijn agenda").
    current = max((path for path, _ in navigation if request.path == path or request.path.startswith(f"{path}/")),
                  key=len, default="")
    return _page(name, status, {
        "staff": member, "navigation": navigation, "current": current, "csrf": token,
        "csrf_field": lambda: Markup('<input type="hidden" name="csrf" value="{}">').format(token),
        **context})


def render_public(request: web.Request, name: str, *, nonce: str, status: int = 200, **context: Any) -> web.Response:
    """A page for someone not logged in (the login, an invitation's link): its form's CSRF token is
    the double-submit `nonce` of a cookie."""
    return _page(name, status, {
        "staff": None, "navigation": [], "current": request.path,
        "csrf_field": lambda: Markup('<input type="hidden" name="csrf" value="{}">').format(nonce), **context})


def render_login(request: web.Request, *, nonce: str, next: str, error: str | None = None, login: str = "",
                 notice: str | None = None, status: int = 200) -> web.Response:
    return render_public(request, "login.html", nonce=nonce, status=status, error=error, login=login, next=next,
                         notice=notice)
