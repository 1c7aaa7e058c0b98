"""The staff console under /staff/: login, guided referrals, the referral list, the dashboard and
the audit log. Every path is behind `auth.staff_guard` (default deny)."""
from __future__ import annotations

from importlib import resources

from aiohttp import web

from verwijzing.gateway.staff import audit_log, auth
from verwijzing.gateway.staff.dashboard import add_dashboard_routes
from verwijzing.gateway.staff.intake import add_intake_routes
from verwijzing.gateway.staff.referrals import add_referral_routes
from verwijzing.gateway.staff.render import render

STATIC = resources.files(__package__) / "static"


@auth.login_required()
async def home(request: web.Request) -> web.Response:
    return render(request, "home.html")


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in {"staff.css"}:
        raise web.HTTPNotFound()
    return web.Response(body=(STATIC / name).read_bytes(), content_type="text/css", charset="utf-8",
                        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})


async def to_home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/staff/")


def add_staff_routes(app: web.Application) -> None:
    app.middlewares.append(auth.staff_guard)
    app.router.add_get("/staff", to_home)
    app.router.add_get("/staff/", home)
    app.router.add_get(auth.LOGIN_PATH, auth.login_page)
    app.router.add_post(auth.LOGIN_PATH, auth.login)
    app.router.add_post("/staff/logout", auth.logout)
    app.router.add_get("/staff/static/{name}", static_file)
    audit_log.add_audit_routes(app)
    add_referral_routes(app)
    add_intake_routes(app)
    add_dashboard_routes(app)
