"""The staff console under /staff/: login, guided referrals, the referral list, the dashboard, the
audit log, the counsellors' invitations, each counsellor's own agenda, and the queue of people
who asked for a person. An aiohttp
sub-application mounted at /staff, so its guard (`auth.staff_guard`,
default deny) runs for every path under it, known or not; handlers read the gateway's shared
state through `request.config_dict`."""
from __future__ import annotations

from importlib import resources

from aiohttp import web

from verwijzing.gateway.staff import audit_log, auth
from verwijzing.gateway.staff.agenda import add_agenda_routes
from verwijzing.gateway.staff.context import PREFIX
from verwijzing.gateway.staff.counsellors import add_counsellor_routes
from verwijzing.gateway.staff.dashboard import add_dashboard_routes
from verwijzing.gateway.staff.dossier import add_dossier_routes
from verwijzing.gateway.staff.feed_page import add_feed_page_routes
from verwijzing.gateway.staff.handover_pages import add_handover_routes
from verwijzing.gateway.staff.intake import add_intake_routes
from verwijzing.gateway.staff.referrals import add_referral_routes
from verwijzing.gateway.staff.render import render
from verwijzing.gateway.staff.second_step import add_second_step_routes
from verwijzing.gateway.staff.sessions_page import add_sessions_routes
from verwijzing.gateway.staff.welcome import add_welcome_routes

STATIC = resources.files(__package__) / "static"
STATIC_TYPES = {"staff.css": "text/css", "staff.js": "text/javascript"}


@auth.login_required()
async def home(request: web.Request) -> web.Response:
    return render(request, "home.html")


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in STATIC_TYPES:
        raise web.HTTPNotFound()
    return web.Response(body=(STATIC / name).read_bytes(), content_type=STATIC_TYPES[name], charset="utf-8",
                        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})


def staff_app() -> web.Application:
    # After the guard, "/staff" goes to "/staff/" (a logged-in member; anyone else to the login).
    app = web.Application(middlewares=[auth.staff_guard, web.normalize_path_middleware(merge_slashes=False)])
    app.router.add_get("/", home)
    app.router.add_get(auth.LOGIN_PATH.removeprefix(PREFIX), auth.login_page)
    app.router.add_post(auth.LOGIN_PATH.removeprefix(PREFIX), auth.login)
    app.router.add_post("/logout", auth.logout)
    add_second_step_routes(app)
    app.router.add_get("/static/{name}", static_file)
    audit_log.add_audit_routes(app)
    add_referral_routes(app)
    add_intake_routes(app)
    add_dashboard_routes(app)
    add_counsellor_routes(app)
    add_welcome_routes(app)
    add_agenda_routes(app)
    add_feed_page_routes(app)
    add_sessions_routes(app)
    add_handover_routes(app)
    add_dossier_routes(app)
    return app


def mount_staff(app: web.Application) -> None:
    app.add_subapp(PREFIX, staff_app())
