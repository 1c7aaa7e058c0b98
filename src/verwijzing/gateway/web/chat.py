"""The web chat's JSON API: `GET /chat`, `POST /chat`, `POST /chat/wis`.

The conversation id lives in an HttpOnly, SameSite=Strict cookie that only the gateway sets.
A cross-site page cannot post here: the cookie is not sent from another site, and JSON with
`Content-Type: application/json` cannot be sent cross-site without a CORS preflight, which we
never grant.
"""
from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import web

from verwijzing.enums import Channel
from verwijzing.gateway.assistant import AssistantUnavailable, transcript
from verwijzing.gateway.handover import CaseView, after_turn, case_lines, for_a_person
from verwijzing.gateway.identity import cookie_name, cookie_value, new_web_id, web_id_from_cookie
from verwijzing.gateway.keys import ASSISTANT, ENGINE, SETTINGS
from verwijzing.store.conversations import erase_conversation

logger = logging.getLogger(__name__)

MAX_MESSAGE = 1000
# A year, so a person can come back to their conversation. How long Rasa keeps the conversation
# itself is not set by the cookie (the person can erase it with "Wis mijn gesprek").
COOKIE_MAX_AGE = 365 * 24 * 3600

NOT_JSON = "Stuur je bericht als JSON."
EMPTY = "Je bericht is leeg. Typ eerst iets."
TOO_LONG = f"Je bericht is te lang. Houd het korter dan {MAX_MESSAGE} tekens."
UNAVAILABLE = "De assistent antwoordt nu even niet. Probeer het zo opnieuw."


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def conversation_id(request: web.Request) -> str | None:
    config = request.app[SETTINGS]
    return web_id_from_cookie(request.cookies.get(cookie_name(config.public_is_https)), config.channel_secret)


def set_cookie(request: web.Request, response: web.StreamResponse, sender: str) -> None:
    config = request.app[SETTINGS]
    response.set_cookie(cookie_name(config.public_is_https), cookie_value(sender, config.channel_secret),
                        max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="Strict",
                        secure=config.public_is_https)


async def history(request: web.Request) -> web.Response:
    """The conversation so far; with a case, the consulent's messages in it and where the case
    stands (the page asks again every few seconds while a person has it)."""
    sender = conversation_id(request)
    if sender is None:
        return web.json_response({"messages": []})
    try:
        events = await request.app[ASSISTANT].events(sender)
    except AssistantUnavailable:
        logger.warning("chat history: Rasa does not answer")
        return _json_error(503, UNAVAILABLE)
    lines, case, code = await case_lines(request, sender)
    return web.json_response({"messages": transcript(events, lines), **_case_field(case), **_code_field(code)})


def _case_field(case: CaseView | None) -> dict[str, object]:
    return {"overdracht": case.as_json()} if case else {}


def _code_field(code: str | None) -> dict[str, object]:
    """The conversation's case code: the page shows it, to give at a counter or on the phone."""
    return {"dossier": code} if code else {}


async def message(request: web.Request) -> web.Response:
    if request.content_type != "application/json":
        return _json_error(415, NOT_JSON)
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _json_error(400, NOT_JSON)
    text = body.get("message") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        return _json_error(400, EMPTY)
    if len(text) > MAX_MESSAGE:
        return _json_error(400, TOO_LONG)
    sender = conversation_id(request) or new_web_id()
    routed = await for_a_person(request, sender, Channel.WEB, text)
    if (person := routed.person) is not None:
        # A person has the conversation (the message waits for them, the assistant is paused), or
        # the call back asks its next question.
        response = web.json_response({"messages": [reply.as_json() for reply in person.said],
                                      **_case_field(person.case), **_code_field(routed.code)})
        set_cookie(request, response, sender)
        return response
    try:
        replies = await request.app[ASSISTANT].turn(sender, text.strip(), "web")
        replies, case = await after_turn(request, sender, Channel.WEB, replies)
    except AssistantUnavailable:
        logger.warning("chat: Rasa does not answer")
        return _json_error(503, UNAVAILABLE)
    response = web.json_response({"messages": [reply.as_json() for reply in replies], **_case_field(case),
                                  **_code_field(routed.code)})
    set_cookie(request, response, sender)
    return response


async def erase(request: web.Request) -> web.Response:
    """"Wis mijn gesprek": the stored conversation is deleted and the page gets a new id."""
    if request.content_type != "application/json":
        return _json_error(415, NOT_JSON)
    sender = conversation_id(request)
    if sender is not None:
        await asyncio.to_thread(erase_conversation, request.app[ENGINE], sender)
    response = web.json_response({"messages": []})
    set_cookie(request, response, new_web_id())
    return response


def add_chat_routes(app: web.Application) -> None:
    app.router.add_get("/chat", history)
    app.router.add_post("/chat", message)
    app.router.add_post("/chat/wis", erase)
