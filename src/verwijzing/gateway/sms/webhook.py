"""The SMS line: `POST /webhooks/sms`, Twilio's Messaging webhook, answered with TwiML.

One turn per SMS. The caller's number becomes a keyed-hash conversation id (identity.py) and is
otherwise not kept. A number typed in answer to a list ("2") is sent to Rasa as that choice's
payload, exactly as the web page's second button would send it. STOP / START / HELP are
answered here, before the assistant: after STOP nothing more is sent to that number (not even
a booking confirmation) until it sends START.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVarTuple

from aiohttp import web
from sqlalchemy.orm import Session, sessionmaker
from twilio.twiml.messaging_response import MessagingResponse

from verwijzing.content import load
from verwijzing.enums import CaseStatus, Channel
from verwijzing.gateway.assistant import AssistantUnavailable, last_reply
from verwijzing.gateway.handover import after_turn, ensure_case, for_a_person
from verwijzing.gateway.identity import caller_id, phone_key
from verwijzing.gateway.keys import ASSISTANT, ENGINE, LIMITS, SESSIONS, SETTINGS
from verwijzing.gateway.limits import SMS_PER_SENDER, counted, too_many
from verwijzing.gateway.options import choose
from verwijzing.gateway.sms.text import reply_text, split, to_gsm7
from verwijzing.gateway.twilio_auth import seen_before, signed_form
from verwijzing.handover import texts as handover_texts
from verwijzing.notify.optout import is_opted_out, opt_in, opt_out
from verwijzing.notify.phone import InvalidPhone, normalise_phone
from verwijzing.privacy.sealed import seal
from verwijzing.store.conversations import erase_conversation

logger = logging.getLogger(__name__)


def _content() -> dict[str, Any]:
    return load("sms")


def keyword(body: str) -> str | None:
    """"stop", "start", "help", "wis", "wis_ja" or "code" when the whole message is one of their keywords."""
    word = body.strip().strip(".!").upper()
    return next((name for name, words in _content()["sleutelwoorden"].items() if word in words), None)


def text(name: str) -> str:
    found: str = _content()["teksten"][name]  # sms.yaml's texts by name
    return found


def twiml(*bodies: str) -> web.Response:
    response = MessagingResponse()
    for body in bodies:
        for part in split(to_gsm7(body)):
            response.message(part)
    return web.Response(text=str(response), content_type="application/xml")


async def incoming(request: web.Request) -> web.Response:
    form = await signed_form(request)
    config = request.app[SETTINGS]
    if await seen_before(request, str(form.get("MessageSid", ""))):
        logger.warning("sms: a message id seen before (or none); answered once already")
        return twiml()
    try:
        number = normalise_phone(str(form.get("From", "")))
    except InvalidPhone:
        logger.warning("sms: a message without a usable sender number; not answered")
        return twiml()
    key, sender = phone_key(number, config.channel_secret), caller_id("sms", number, config.channel_secret)
    # Each sender its own budget, counted only once the signature is checked (a forged From
    # cannot spend someone else's).
    count = await counted(request.app[LIMITS], f"sms:c:{key}")
    if count > SMS_PER_SENDER:
        return too_many(request, count, SMS_PER_SENDER)
    body = str(form.get("Body", ""))
    sessions = request.app[SESSIONS]
    asked = keyword(body)

    def opted_out() -> bool:
        with sessions() as session:
            return is_opted_out(session, key)

    if asked == "stop":
        await asyncio.to_thread(_in_transaction, sessions, opt_out, key, dt.datetime.now(dt.UTC))
        return twiml(text("stop"))
    if asked == "start":
        await asyncio.to_thread(_in_transaction, sessions, opt_in, key)
        return twiml(text("start"))
    if await asyncio.to_thread(opted_out):
        return twiml()  # they asked for no more SMS: not even an answer, until START
    if asked == "help":
        return twiml(text("help"))
    if asked == "wis":
        return twiml(text("wis_vraag"))
    if asked == "wis_ja":
        await asyncio.to_thread(erase_conversation, request.app[ENGINE], sender)
        return twiml(text("wis_klaar"))
    if not body.strip():
        return twiml(text("leeg"))

    sealed = seal(number, config.channel_secret)
    if asked == "code":
        code = await ensure_case(request, sender, Channel.SMS, sealed)
        return twiml(text("code").format(code=code)) if code else twiml(text("onbereikbaar"))
    routed = await for_a_person(request, sender, Channel.SMS, body, sealed)
    if (person := routed.person) is not None:
        if person.case is not None:  # a consulent has (or will have) it: they answer through the outbox
            return twiml(handover_texts.RECEIVED_SMS) if person.case.status is CaseStatus.WAITING else twiml()
        return twiml(reply_text(list(person.said)))
    assistant = request.app[ASSISTANT]
    try:
        said = choose(body, last_reply(await assistant.events(sender))) or body.strip()
        replies = await assistant.turn(sender, said, "sms")
        # The number to answer is kept sealed with the case, only if a person takes over.
        replies, _ = await after_turn(request, sender, Channel.SMS, replies, sealed)
    except AssistantUnavailable:
        logger.warning("sms: Rasa does not answer")
        return twiml(text("onbereikbaar"))
    return twiml(reply_text(replies))


Ts = TypeVarTuple("Ts")


def _in_transaction(sessions: sessionmaker[Session], change: Callable[[Session, *Ts], None], *args: *Ts) -> None:
    with sessions.begin() as session:
        change(session, *args)


def add_sms_routes(app: web.Application) -> None:
    app.router.add_post("/webhooks/sms", incoming)
