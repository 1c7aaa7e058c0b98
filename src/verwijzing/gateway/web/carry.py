"""Carrying a conversation between the web and SMS (handover/carry.py says what proves it is the
person's):

- `GET /verder`, `POST /verder`, `POST /verder/bevestig`: going on on the web with a conversation
  begun by SMS;
- `GET /verder/sms`, `POST /verder/sms`, `POST /verder/sms/bevestig`: going on by SMS with this
  web conversation (it moves onto the SMS conversation's id; the web keeps showing it).

Plain HTML forms, no script: the page works for everyone who can open a link from an SMS. Once
the one-time code is right, the conversation cookie holds the SMS conversation's id (sealed like
any id the gateway issues), and the chat page shows that conversation and goes on with it.
Forms from another site are refused (Origin, Sec-Fetch-Site): a page elsewhere cannot make a
browser take over a conversation it chose.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from verwijzing.dialogue.booking import read_telefoon
from verwijzing.enums import Channel
from verwijzing.gateway.assistant import AssistantUnavailable, last_reply
from verwijzing.gateway.forms import posted_form
from verwijzing.gateway.handover import wall_now
from verwijzing.gateway.identity import begun_on_the_web, caller_id
from verwijzing.gateway.keys import ASSISTANT, SESSIONS, SETTINGS
from verwijzing.gateway.sms.text import reply_text
from verwijzing.gateway.web.chat import conversation_id, set_cookie
from verwijzing.gateway.web.page import SECURITY_HEADERS, asset_url
from verwijzing.gateway.web.sources import environment
from verwijzing.handover import carry, queue
from verwijzing.handover.codes import LENGTH, normalise_code
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.sms import queue_sms
from verwijzing.privacy.codes import DIGITS, VALID_FOR
from verwijzing.privacy.sealed import seal, unseal
from verwijzing.store.conversations import drop_events

logger = logging.getLogger(__name__)

ASK = "ask"
# Longer than any field of these forms (a sealed number is about 150 characters); the rest is cut.
MAX_FIELD = 400
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


async def _form(request: web.Request, *keys: str) -> dict[str, str]:
    """The form's fields, each once (a repeated key is refused like everywhere)."""
    form = await posted_form(request)
    fields: dict[str, str] = {}
    for key in keys:
        values = form.getall(key, [])
        if len(values) > 1:
            raise web.HTTPBadRequest(text="Een veld van het formulier komt meer dan één keer voor.")
        fields[key] = str(values[0])[:MAX_FIELD] if values else ""
    return fields


async def ask_page(request: web.Request) -> web.Response:
    return _page(ASK)


async def _code_form(request: web.Request) -> tuple[dict[str, str], str] | web.Response:
    """The form's fields and its case code; or the page that says why not (another site, no code)."""
    if not from_this_site(request):
        return _page(ASK, error=FOREIGN, status=403)
    fields = await _form(request, "code", "cijfers")
    code = normalise_code(fields["code"])
    if code is None:
        return _page(ASK, code=fields["code"], error=NOT_A_CODE, status=400)
    return fields, code


async def send(request: web.Request) -> web.Response:
    checked = await _code_form(request)
    if isinstance(checked, web.Response):
        return checked
    _, code = checked
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
    checked = await _code_form(request)
    if isinstance(checked, web.Response):
        return checked
    fields, code = checked
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


# ---- this web conversation, by SMS from now on --------------------------------------------------

TO_SMS_START = "Je code om je gesprek per sms verder te zetten"
# Texts with a code that one phone gets a day from this page, whatever conversation asks (a
# typed number is no proof it is the person's: the page cannot text someone over and over).
TO_SMS_PER_PHONE = 3
NO_CONVERSATION = "Je hebt op deze website nog geen gesprek. Begin eerst een gesprek met de assistent."
ALREADY_SMS = "Dit gesprek loopt al per sms. Stuur gewoon een sms."
NOT_A_PHONE = "Dat gsm-nummer kan ik niet lezen. Typ het zo: 0470 12 34 56."
SENT_TO_PHONE = (f"We stuurden een sms met {DIGITS} cijfers naar dat nummer. Typ die cijfers hier. "
                 f"Ze werken {MINUTES} minuten.")
NOT_SENT = ("We stuurden vandaag al genoeg codes naar dat nummer of voor dit gesprek. Probeer het morgen "
            "opnieuw. Of typ in de chat: 'ik wil met een mens praten'.")


def sent_before(until: dt.datetime) -> str:
    """A code sent before still holds: that one works; no new one went out (not even to another number)."""
    time = until.astimezone(BRUSSELS).strftime("%H.%M")
    return (f"We stuurden al een sms met {DIGITS} cijfers. Die werken nog tot {time} uur. Typ ze hier. "
            f"Typte je een verkeerd nummer? Vraag dan na {time} uur een nieuwe sms.")
BUSY = ("Je sms-gesprek is nu bij een consulent, of je vroeg om terugbellen. Ga daar verder per sms. "
        "Of wacht tot het afgerond is.")
MOVED = "Je gesprek van de website gaat hier per sms verder. Antwoord gewoon met een sms."
ENDED_TO_SMS = "Die cijfers werken niet meer. Vraag hieronder een nieuwe sms."


def to_sms_text(code: str) -> str:
    return (f"{TO_SMS_START}: {code}. Typ die code op de website. Geef ze aan niemand. "
            "Vroeg je niets? Negeer dan deze sms.")


def _sms_page(step: str, *, sealed: str = "", error: str = "", note: str = "", status: int = 200,
              conversation: bool = True) -> web.Response:
    body = environment().get_template("verder_sms.html").render(
        step=step, sealed=sealed, error=error, note=note, digits=DIGITS, conversation=conversation,
        css=asset_url("chat.css"), favicon=asset_url("favicon.svg"))
    return web.Response(text=body, content_type="text/html", charset="utf-8", status=status,
                        headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})


async def to_sms_page(request: web.Request) -> web.Response:
    web_id = conversation_id(request)
    if web_id is None:
        return _sms_page(ASK, error=NO_CONVERSATION, conversation=False)
    if not begun_on_the_web(web_id):
        return _sms_page(ASK, error=ALREADY_SMS, conversation=False)
    return _sms_page(ASK)


async def to_sms_send(request: web.Request) -> web.Response:
    if not from_this_site(request):
        return _sms_page(ASK, error=FOREIGN, status=403)
    fields = await _form(request, "gsm")
    web_id = conversation_id(request)
    if web_id is None or not begun_on_the_web(web_id):
        return _sms_page(ASK, error=NO_CONVERSATION if web_id is None else ALREADY_SMS, status=400, conversation=False)
    phone = read_telefoon(fields["gsm"])
    if phone is None:
        return _sms_page(ASK, error=NOT_A_PHONE, status=400)
    secret = request.app[SETTINGS].channel_secret

    def send_code() -> str | None:
        """What the page says: a code went out now, or the one sent before still holds; None:
        nothing went out (the day's codes for this number or this conversation are used)."""
        with request.app[SESSIONS].begin() as session:
            at = wall_now()
            if queue.texts_in_a_day(session, phone, at, TO_SMS_START) >= TO_SMS_PER_PHONE:
                return None
            queue.ensure_case(session, web_id, Channel.WEB, at)
            code = carry.request_code_for_phone(session, web_id, phone, secret, at)
            if code is not None:
                queue_sms(session, to=phone, body=to_sms_text(code), at=at)
                return SENT_TO_PHONE
            holds = carry.code_holds_until(session, web_id, at)
            return sent_before(holds) if holds else None

    try:
        said = await asyncio.to_thread(send_code)
    except SQLAlchemyError:
        logger.exception("verder per sms: the database did not answer")
        return _sms_page(ASK, error=UNAVAILABLE, status=503)
    if said is None:
        return _sms_page(ASK, error=NOT_SENT, status=429)
    # The number goes back in the form sealed (never readable in the page), to check the code with.
    return _sms_page(TYPE_DIGITS, sealed=seal(phone, secret), note=said)


async def to_sms_confirm(request: web.Request) -> web.Response:
    if not from_this_site(request):
        return _sms_page(ASK, error=FOREIGN, status=403)
    fields = await _form(request, "nummer", "cijfers")
    secret = request.app[SETTINGS].channel_secret
    web_id, phone = conversation_id(request), unseal(fields["nummer"], secret)
    if web_id is None or not begun_on_the_web(web_id) or phone is None:
        return _sms_page(ASK, error=ENDED_TO_SMS, status=400)
    sms_id = caller_id("sms", phone, secret)

    def check() -> carry.Confirmation | None:
        with request.app[SESSIONS].begin() as session:
            if carry.sms_conversation_busy(session, sms_id):
                return None
            return carry.confirm_for_phone(session, web_id, phone, fields["cijfers"], secret, wall_now())

    try:
        result = await asyncio.to_thread(check)
    except SQLAlchemyError:
        logger.exception("verder per sms: the database did not answer")
        return _sms_page(TYPE_DIGITS, sealed=fields["nummer"], error=UNAVAILABLE, status=503)
    if result is None:
        return _sms_page(ASK, error=BUSY, status=409)
    if result.conversation_id is None:
        if result.refusal is carry.Refusal.WRONG:
            return _sms_page(TYPE_DIGITS, sealed=fields["nummer"], error=WRONG.format(left=result.tries_left),
                             status=400)
        return _sms_page(ASK, error=ENDED_TO_SMS, status=400)
    try:
        await _move(request, web_id, sms_id, phone)
    except (AssistantUnavailable, SQLAlchemyError):
        logger.exception("verder per sms: the conversation could not be moved")
        return _sms_page(ASK, error=UNAVAILABLE, status=503)
    response = web.Response(status=303, headers={"Location": "/", **SECURITY_HEADERS})
    set_cookie(request, response, sms_id)
    return response


async def _move(request: web.Request, web_id: str, sms_id: str, phone: str) -> None:
    """The web conversation, as Rasa keeps it, becomes the SMS conversation of `phone` (an earlier
    one of that phone is replaced), and the phone gets the question that waits for an answer."""
    assistant, sessions, secret = request.app[ASSISTANT], request.app[SESSIONS], request.app[SETTINGS].channel_secret
    events = await assistant.events(web_id)

    def clear_target() -> None:  # Rasa's SQL store only adds events: the earlier ones go first
        with sessions.begin() as session:
            drop_events(session, sms_id)

    await asyncio.to_thread(clear_target)
    await assistant.replace_events(sms_id, events)
    question = reply_text(last_reply(events)[-1:])

    def hand_over() -> None:
        with sessions.begin() as session:
            carry.move(session, web_id, sms_id, seal(phone, secret))
            drop_events(session, web_id)
            queue_sms(session, to=phone, body=f"{MOVED}\n{question}".strip(), at=wall_now())

    await asyncio.to_thread(hand_over)


def add_carry_routes(app: web.Application) -> None:
    app.router.add_get("/verder", ask_page)
    app.router.add_post("/verder", send)
    app.router.add_post("/verder/bevestig", confirm)
    app.router.add_get("/verder/sms", to_sms_page)
    app.router.add_post("/verder/sms", to_sms_send)
    app.router.add_post("/verder/sms/bevestig", to_sms_confirm)
