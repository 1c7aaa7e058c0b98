"""Who may use the staff console, and how: sessions, roles, CSRF, the audit trail.

Default deny: `staff_guard` (a middleware) refuses every path under /staff/ without a live
session — pages with a redirect to the login page, /staff/api/ with 401 — except the login page,
an invitation's page and the console's static files. `login_required(…roles)` on a handler adds
the role check (default: the VDAB roles). A begeleider (a counsellor) is kept to the agenda's
paths by the guard too: a handler that forgot its role check still shows them nothing else.
Every POST form carries a CSRF token derived from the session (or, on the login page, a
double-submit cookie); `checked_form` refuses a form without the right one.

Logins run in a small thread pool of their own (LOGINS): each costs an argon2 hash of 64 MiB, and
a flood of them must queue there, not take the threads that chat, SMS and the console's
database calls share. Every login, failure (why: unknown, wrong, throttled) and logout is in the
audit log; a failure names the account only when it exists.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy

from verwijzing.config import now_on
from verwijzing.enums import VDAB_ROLES, StaffRole
from verwijzing.gateway.forms import posted_form
from verwijzing.gateway.keys import SESSIONS, SETTINGS
from verwijzing.gateway.limits import client_address
from verwijzing.gateway.staff.context import PREFIX, SESSION_TOKEN, STAFF
from verwijzing.gateway.staff.render import render, render_login
from verwijzing.privacy.audit import record_audit
from verwijzing.staff import sessions
from verwijzing.staff.accounts import LoginRefused, StaffMember, authenticate, needs_second_factor_setup

__all__ = ["STAFF", "SESSION_TOKEN", "actor", "audit", "checked_form", "login_required", "now", "staff_guard"]

logger = logging.getLogger(__name__)

COOKIE = "verwijzing_staff"
LOGIN_COOKIE = "verwijzing_staff_login"
HOME = f"{PREFIX}/"
LOGIN_PATH = f"{PREFIX}/login"
# The second factor's setup at the first login (second_step.py): all a session without it opens.
SECOND_STEP_PATH = f"{PREFIX}/tweede-stap"
HALF_SESSION_PATHS = frozenset({SECOND_STEP_PATH, f"{PREFIX}/logout"})
STATIC_PATHS = f"{PREFIX}/static/"
API_PATHS = f"{PREFIX}/api/"
# An invitation's link (gateway/staff/welcome.py): its token is the proof, there is no session yet.
WELCOME_PATHS = f"{PREFIX}/welkom/"
# All a begeleider's session opens: their own agenda, hours and sessions.
AGENDA_PATH = f"{PREFIX}/agenda"
COUNSELLOR_PATHS = (AGENDA_PATH, f"{PREFIX}/logout", SECOND_STEP_PATH)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Two argon2 hashes at a time per gateway: enough for a team logging in at nine o'clock.
LOGINS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="staff-login")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _is_api(request: web.Request) -> bool:
    return request.path.startswith(API_PATHS)


def _to_login(request: web.Request) -> web.StreamResponse:
    if _is_api(request):
        return web.json_response({"error": "Log eerst in."}, status=401)
    raise web.HTTPFound(f"{LOGIN_PATH}?next={quote(request.path_qs, safe='/')}")


@web.middleware
async def staff_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Only the console's own paths get here: it is the sub-application's middleware.
    if request.path == LOGIN_PATH or request.path.startswith((STATIC_PATHS, WELCOME_PATHS)):
        return await handler(request)
    token = request.cookies.get(COOKIE)

    def resume() -> tuple[StaffMember, bool] | None:
        with request.config_dict[SESSIONS].begin() as session:
            return sessions.resume(session, token, now())

    resumed = await asyncio.to_thread(resume)
    if resumed is None:
        return _to_login(request)
    member, complete = resumed
    if not complete and request.path not in HALF_SESSION_PATHS:
        # Password given, second factor not set up yet: only its setup opens.
        if _is_api(request):
            return web.json_response({"error": "Stel eerst je tweede stap in."}, status=401)
        raise web.HTTPFound(f"{SECOND_STEP_PATH}?next={quote(request.path_qs, safe='/')}")
    if member.is_begeleider and not _counsellor_path(request.path):
        if request.path in (PREFIX, HOME):
            raise web.HTTPFound(AGENDA_PATH)
        if _is_api(request):
            return web.json_response({"error": "Dit mag je niet met jouw rol."}, status=403)
        request[STAFF], request[SESSION_TOKEN] = member, token or ""
        return render(request, "geweigerd.html", status=403)
    request[STAFF], request[SESSION_TOKEN] = member, token or ""
    response = await handler(request)
    # Staff pages show personal data: never kept in a shared cache or the browser's history cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _counsellor_path(path: str) -> bool:
    return any(path == allowed or path.startswith(f"{allowed}/") for allowed in COUNSELLOR_PATHS)


def login_required(*roles: StaffRole) -> Callable[[Handler], Handler]:
    """Only a logged-in member (the guard already checked) of one of `roles`; none given: the
    VDAB roles (consulent and beheerder). A beheerder is not a counsellor: the agenda pages,
    which name one counsellor's bookings, are for the role begeleider alone."""
    allowed = frozenset(r.value for r in roles or VDAB_ROLES)

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def wrapped(request: web.Request) -> web.StreamResponse:
            member = request.get(STAFF)
            if member is None:
                return _to_login(request)
            if member.role not in allowed:
                if _is_api(request):
                    return web.json_response({"error": "Dit mag je niet met jouw rol."}, status=403)
                return render(request, "geweigerd.html", status=403)
            return await handler(request)
        return wrapped
    return decorate


async def checked_form(request: web.Request) -> MultiDictProxy[Any]:
    """The POSTed form, after the CSRF check (403 when the token is missing or wrong)."""
    form = await posted_form(request)
    token = request.get(SESSION_TOKEN)
    if not token or not sessions.csrf_ok(token, str(form.get("csrf") or "")):
        raise web.HTTPForbidden(text="Dit formulier is verlopen of niet van hier. Laad de pagina opnieuw.")
    return form


def actor(request: web.Request) -> str:
    return f"staff:{request[STAFF].login}"


@dataclass(frozen=True)
class OwnAgenda:
    """What a counsellor's request is about: their own counsellor (from the session, never from
    the request), the stack's reference time (VERWIJZING_PEILDATUM moves the day, as bookings
    do), how many weeks ahead moments are kept, and who to write in the audit log."""

    counsellor_id: int
    now: dt.datetime  # Brussels
    weeks: int
    actor: str


def own_agenda(request: web.Request) -> OwnAgenda:
    member, config = request[STAFF], request.config_dict[SETTINGS]
    if member.counsellor_id is None:  # pragma: no cover - add_user refuses a begeleider without one
        raise web.HTTPForbidden(text="Dit account hoort bij geen begeleider.")
    return OwnAgenda(int(member.counsellor_id), now_on(config.peildatum_override), config.agenda_weeks,
                     actor(request))


async def audit(request: web.Request, action: str, subject: str | None,
                detail: Mapping[str, Any] | None = None) -> None:
    """One audit line in its own transaction: who (the login), what, on which reference or id."""
    def write() -> None:
        with request.config_dict[SESSIONS].begin() as session:
            record_audit(session, actor=actor(request), action=action, subject=subject, detail=detail, at=now())
    await asyncio.to_thread(write)


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, **extra: Any) -> None:
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Strict",
                        secure=request.config_dict[SETTINGS].public_is_https, **extra)


def safe_next(raw: str | None) -> str:
    """Only a path inside the console: never an address elsewhere (an open redirect)."""
    if raw and (raw == PREFIX or raw.startswith(HOME)) and "\\" not in raw:
        return raw
    return HOME


def with_form_nonce(request: web.Request, page: Callable[[str], web.Response]) -> web.Response:
    """A page with a form for someone without a session: its CSRF token is a new random nonce,
    also set as a cookie that only this site's forms can send back (double submit)."""
    nonce = secrets.token_urlsafe(24)
    response = page(nonce)
    _set_cookie(request, response, LOGIN_COOKIE, nonce, max_age=1800)
    return response


async def public_form(request: web.Request) -> tuple[MultiDictProxy[Any], str]:
    """The POSTed form of a page made by `with_form_nonce`, and its nonce; 403 when they differ."""
    form = await posted_form(request)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    sent = str(form.get("csrf") or "")
    if not nonce or not secrets.compare_digest(nonce, sent):
        raise web.HTTPForbidden(text="Dit formulier is verlopen of niet van hier. Laad de pagina opnieuw.")
    return form, nonce


async def login_page(request: web.Request) -> web.StreamResponse:
    # After an invitation's password (welcome.py) the page says it was kept.
    notice = "Je wachtwoord is bewaard. Meld je nu aan." if request.query.get("welkom") == "1" else None
    return with_form_nonce(request, lambda nonce: render_login(request, nonce=nonce, notice=notice,
                                                               next=safe_next(request.query.get("next"))))


async def login(request: web.Request) -> web.StreamResponse:
    form, nonce = await public_form(request)
    login_name, password = str(form.get("login") or ""), str(form.get("wachtwoord") or "")
    code = str(form.get("code") or "")
    target = safe_next(str(form.get("next") or ""))

    # The throttle's address is the rate limits' one: behind a proxy the connection is the proxy's
    # for everybody, and counting that would let one guesser slow every member down.
    address = client_address(request, request.config_dict[SETTINGS].proxy_hops)

    seal_key = request.config_dict[SETTINGS].channel_secret
    setup = False

    def attempt() -> tuple[str | None, str | None]:
        nonlocal setup
        with request.config_dict[SESSIONS].begin() as session:
            try:
                member = authenticate(session, login_name, password, now(), address, code=code, seal_key=seal_key)
            except LoginRefused as refused:
                # Returned, not raised: the transaction must commit the failure counts.
                record_audit(session, actor="onbekend", action="login_mislukt", subject=refused.account,
                             detail={"waarom": refused.why}, at=now())
                return None, str(refused)
            record_audit(session, actor=f"staff:{member.login}", action="login", subject=None, at=now())
            setup = needs_second_factor_setup(session, member)
            return sessions.open_session(session, member, now(), second_factor=not setup), None

    token, refused = await asyncio.get_running_loop().run_in_executor(LOGINS, attempt)
    if token is None:
        logger.info("staff login refused")  # no login name: a typo may be someone's password
        return render_login(request, nonce=nonce, next=target, error=refused, login=login_name, status=401)
    response = web.HTTPFound(f"{SECOND_STEP_PATH}?next={quote(target, safe='/')}" if setup else target)
    _set_cookie(request, response, COOKIE, token)
    response.del_cookie(LOGIN_COOKIE, path=PREFIX)
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    await checked_form(request)
    token = request.get(SESSION_TOKEN)

    who = actor(request)

    def close() -> None:
        with request.config_dict[SESSIONS].begin() as session:
            sessions.close(session, token)
            record_audit(session, actor=who, action="logout", subject=None, at=now())

    await asyncio.to_thread(close)
    response = web.HTTPFound(LOGIN_PATH)
    response.del_cookie(COOKIE, path=PREFIX)
    raise response
