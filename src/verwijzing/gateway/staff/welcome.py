"""`/staff/welkom/{token}`: an invitation's link, where a counsellor sets their first password
(counsellors/invitations.py). Open without a session: the token is the proof.

Opening the link changes nothing (a mail scanner that follows links must not use it up); only
the form's POST does. The page says one thing for a link that never existed, was used or ran out.
"""
from __future__ import annotations

import asyncio

from aiohttp import web

from verwijzing.counsellors.invitations import InvitationError, LinkGone, accept, login_of_invitation
from verwijzing.gateway.keys import SESSIONS
from verwijzing.gateway.staff.auth import LOGIN_PATH, LOGINS, WELCOME_PATHS, now, public_form, with_form_nonce
from verwijzing.gateway.staff.render import render_public
from verwijzing.privacy.audit import record_audit
from verwijzing.staff.accounts import MIN_PASSWORD, AccountError


def _page(request: web.Request, token: str, *, login: str = "", gone: str | None = None,
          error: str | None = None, status: int = 200) -> web.Response:
    response = with_form_nonce(request, lambda nonce: render_public(
        request, "welkom.html", nonce=nonce, status=status, login=login, gone=gone, error=error,
        minimum=MIN_PASSWORD, action=f"{WELCOME_PATHS}{token}"))
    # The token is in the address: no other site may learn it from a link on this page.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


async def welcome_page(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]

    def look_up() -> str:
        with request.config_dict[SESSIONS]() as session:
            return login_of_invitation(session, token, now())

    try:
        login = await asyncio.to_thread(look_up)
    except InvitationError as gone:
        return _page(request, token, gone=str(gone), status=410)
    return _page(request, token, login=login)


async def set_first_password(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    form, _ = await public_form(request)
    password, repeated = str(form.get("wachtwoord") or ""), str(form.get("nog_eens") or "")

    def take() -> tuple[str | None, str | None, bool]:
        """(the login, an error, whether the link itself is gone)."""
        with request.config_dict[SESSIONS].begin() as session:
            try:
                member = accept(session, token, password, repeated, now())
            except LinkGone as refused:
                return None, str(refused), True
            except AccountError as refused:
                return None, str(refused), False
            record_audit(session, actor=f"staff:{member.login}", action="wachtwoord_gekozen", subject=None, at=now())
            return member.login, None, False

    # An argon2 hash of 64 MiB: in the logins' own pool, like a login.
    login, error, gone = await asyncio.get_running_loop().run_in_executor(LOGINS, take)
    if login is None:
        if gone:
            return _page(request, token, gone=error, status=410)

        def who() -> str:
            with request.config_dict[SESSIONS]() as session:
                return login_of_invitation(session, token, now())

        return _page(request, token, login=await asyncio.to_thread(who), error=error, status=400)
    raise web.HTTPFound(f"{LOGIN_PATH}?welkom=1")


def add_welcome_routes(app: web.Application) -> None:
    prefix = WELCOME_PATHS.removeprefix("/staff")
    app.router.add_get(prefix + "{token}", welcome_page)
    app.router.add_post(prefix + "{token}", set_first_password)
