"""`/staff/tweede-stap`: the second factor's setup at an account's first login.

The password opened a session that opens only this page (auth.staff_guard). It shows a new
secret as a QR code and as text; the first code of the authenticator app proves it was saved.
Then the account keeps the secret (sealed), the session is complete, and eight recovery codes are
shown once. Five wrong codes end the session: back to the login. From then on the login form asks
the code with the password (or a recovery code, used up).
"""
from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from verwijzing.gateway.keys import SESSIONS, SETTINGS
from verwijzing.gateway.staff.auth import (
    COOKIE,
    LOGIN_PATH,
    SECOND_STEP_PATH,
    SESSION_TOKEN,
    STAFF,
    checked_form,
    now,
    safe_next,
)
from verwijzing.gateway.staff.context import PREFIX
from verwijzing.gateway.staff.render import render
from verwijzing.privacy.audit import record_audit
from verwijzing.staff import second_factor, sessions
from verwijzing.store.staff_models import StaffUser

TRIES = 5
WRONG = "Die code klopt niet. Kijk in je app en typ de 6 cijfers die er nu staan."


def _page(request: web.Request, secret: str, target: str | None, error: str | None = None,
          status: int = 200) -> web.Response:
    """The setup page; `target` is where the member goes after it (from the link or the form)."""
    member = request[STAFF]
    return render(request, "tweede_stap.html", status=status, error=error,
                  qr=second_factor.qr_svg(secret, member.login), secret=second_factor.spaced(secret),
                  next=safe_next(target))


async def setup_page(request: web.Request) -> web.StreamResponse:
    token, key = request[SESSION_TOKEN], request.config_dict[SETTINGS].channel_secret

    def pending() -> str | None:
        with request.config_dict[SESSIONS].begin() as session:
            live = sessions.live(session, token)
            if live is None or live.second_factor:
                return None
            secret = second_factor.opened(live.totp_pending, key)
            if secret is None:
                secret = second_factor.new_secret()
                live.totp_pending = second_factor.sealed(secret, key)
            return secret

    secret = await asyncio.to_thread(pending)
    if secret is None:
        raise web.HTTPFound(safe_next(request.query.get("next")))
    return _page(request, secret, request.query.get("next"))


async def setup(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    token, key, member = request[SESSION_TOKEN], request.config_dict[SETTINGS].channel_secret, request[STAFF]
    code = str(form.get("code") or "")

    def confirm() -> tuple[str, Any]:
        with request.config_dict[SESSIONS].begin() as session:
            live = sessions.live(session, token)
            secret = second_factor.opened(live.totp_pending, key) if live else None
            if live is None or secret is None:
                return "again", None
            step = second_factor.code_step(secret, code, now())
            if step is None:
                live.code_tries += 1
                record_audit(session, actor=f"staff:{member.login}", action="tweede_stap_mislukt", subject=None,
                             at=now())
                if live.code_tries >= TRIES:
                    sessions.close(session, token)
                    return "ended", None
                return "wrong", secret
            user = session.get(StaffUser, member.id, with_for_update=True)
            if user is None or user.totp_secret:
                # Set up meanwhile in another session (the guard ends this one from now on).
                sessions.close(session, token)
                return "ended", None
            codes, kept = second_factor.new_recovery_codes()
            user.totp_secret, user.recovery_codes, user.totp_last_step = live.totp_pending, kept, step
            live.second_factor, live.totp_pending, live.code_tries = True, None, 0
            sessions.close_half_sessions(session, member.id)
            record_audit(session, actor=f"staff:{member.login}", action="tweede_stap_ingesteld", subject=None,
                         at=now())
            return "done", codes

    outcome, value = await asyncio.to_thread(confirm)
    if outcome == "again":
        raise web.HTTPFound(SECOND_STEP_PATH)
    if outcome == "ended":
        response = web.HTTPFound(LOGIN_PATH)
        response.del_cookie(COOKIE, path=PREFIX)
        raise response
    if outcome == "wrong":
        return _page(request, value, str(form.get("next") or ""), error=WRONG, status=400)
    return render(request, "herstelcodes.html", codes=value, next=safe_next(str(form.get("next") or "")))


def add_second_step_routes(app: web.Application) -> None:
    path = SECOND_STEP_PATH.removeprefix(PREFIX)
    app.router.add_get(path, setup_page)
    app.router.add_post(path, setup)
