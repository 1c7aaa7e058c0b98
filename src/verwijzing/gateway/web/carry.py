"""Going on on the web with a conversation begun by SMS: `GET /verder`, `POST /verder`,
`POST /verder/bevestig` (handover/carry.py says what proves it is the person's).

Plain HTML forms, no script: the page works for everyone who can open a link from an SMS. Once
the one-time code is right, the conversation cookie holds the SMS conversation's id (sealed like
any id the gateway issues), and the chat page shows that conversation and goes on with it.
Forms from another site are refused (Origin, Sec-Fetch-Site): a page elsewhere cannot make a
browser take over a conversation it chose.
"""
from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from verwijzing.gateway.forms import posted_form
from verwijzing.gateway.handover import wall_now
from verwijzing.gateway.keys import SESSIONS, SETTINGS
from verwijzing.gateway.web.chat import set_cookie
from verwijzing.gateway.web.page import SECURITY_HEADERS, asset_url
from verwijzing.gateway.web.sources import environment
from verwijzing.handover import carry
from verwijzing.handover.codes import LENGTH, normalise_code
from verwijzing.notify.sms import queue_sms
from verwijzing.privacy.codes import DIGITS, VALID_FOR

logger = logging.getLogger(__name__)

ASK = "ask"
TYPE_DIGITS = "type"
MINUTES = int(VALID_FOR.total_seconds() // 60)
SENT = (f"Hoort die dossiercode bij een sms-gesprek? Dan krijgt de gsm van dat gesprek nu een sms met "
        f"{DIGITS} cijfers. Typ die cijfers hier. Ze werken {MINUTES} minuten.")
NOT_A_CODE = f"Een dossiercode heeft {LENGTH} tekens, bijvoorbeeld HK7M3P. Kijk ze na en probeer opnieuw."
WRONG = "Die cijfers kloppen niet. Je kan nog {left} keer proberen."
ENDED = "Die cijfers werken niet meer. Vraag hieronder een nieuwe sms."
UNAVAILABLE = "Dat lukt nu even niet. Probeer het zo opnieuw, of bel VDAB gratis op 0800 30 700."
FOREIGN = "Dit formulier komt niet van onze website."


def sms_text(code: str) -> str:
    return (f"Je code om verder te gaan op de website: {code}. Geef die code aan niemand. "
            "Vroeg je niets? Negeer dan deze sms.")


def _page(step: str, *, code: str = "", error: str = "", note: str = "", status: int = 200) -> web.Response:
    body = environment().get_template("verder.html").render(
        step=step, code=code, error=error, note=note, length=LENGTH, digits=DIGITS, minutes=MINUTES,
        css=asset_url("chat.css"), favicon=asset_url("favicon.svg"))
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status,
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})


def from_this_site(request: web.Request) -> bool:
    """A form posted from our own page. Browsers say where a request comes from (Sec-Fetch-Site,
    which no page can set); an older one sends Origin with a POST, compared with the address it
    was sent to and the public one (a proxy may change the Host)."""
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    ours = {request.host, urlsplit(request.app[SETTINGS].public_base_url).netloc}
    return urlsplit(origin).netloc in ours


async def _form(request: web.Request) -> dict[str, str]:
    """The form's fields, each once (a repeated key is refused like everywhere)."""
    form = await posted_form(request)
    fields: dict[str, str] = {}
    for key in ("code", "cijfers"):
        values = form.getall(key, [])
        if len(values) > 1:
            raise web.HTTPBadRequest(text="Een veld van het formulier komt meer dan één keer voor.")
        fields[key] = str(values[0])[:100] if values else ""
    return fields


async def ask_page(request: web.Request) -> web.Response:
    return _page(ASK)


async def send(request: web.Request) -> web.Response:
    if not from_this_site(request):
        return _page(ASK, error=FOREIGN, status=403)
    fields = await _form(request)
    code = normalise_code(fields["code"])
    if code is None:
        return _page(ASK, code=fields["code"], error=NOT_A_CODE, status=400)
    secret = request.app[SETTINGS].channel_secret

    def send_code() -> None:
        with request.app[SESSIONS].begin() as session:
            at = wall_now()
            to_send = carry.request_code(session, code, secret, at)
            if to_send is not None:
                phone, digits = to_send
                queue_sms(session, to=phone, body=sms_text(digits), at=at)

    try:
        await asyncio.to_thread(send_code)
    except SQLAlchemyError:
        logger.exception("verder: the database did not answer")
        return _page(ASK, code=code, error=UNAVAILABLE, status=503)
    return _page(TYPE_DIGITS, code=code, note=SENT)


async def confirm(request: web.Request) -> web.Response:
    if not from_this_site(request):
        return _page(ASK, error=FOREIGN, status=403)
    fields = await _form(request)
    code = normalise_code(fields["code"])
    if code is None:
        return _page(ASK, code=fields["code"], error=NOT_A_CODE, status=400)
    secret = request.app[SETTINGS].channel_secret

    def check() -> carry.Confirmation:
        with request.app[SESSIONS].begin() as session:
            return carry.confirm(session, code, fields["cijfers"], secret, wall_now())

    try:
        result = await asyncio.to_thread(check)
    except SQLAlchemyError:
        logger.exception("verder: the database did not answer")
        return _page(TYPE_DIGITS, code=code, error=UNAVAILABLE, status=503)
    if result.conversation_id is None:
        if result.refusal is carry.Refusal.WRONG:
            return _page(TYPE_DIGITS, code=code, error=WRONG.format(left=result.tries_left), status=400)
        return _page(ASK, code=code, error=ENDED, status=400)
    response = web.Response(status=303, headers={"Location": "/", **SECURITY_HEADERS})
    set_cookie(request, response, result.conversation_id)
    return response


def add_carry_routes(app: web.Application) -> None:
    app.router.add_get("/verder", ask_page)
    app.router.add_post("/verder", send)
    app.router.add_post("/verder/bevestig", confirm)
