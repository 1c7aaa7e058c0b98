"""Twilio's webhooks: is this request really from Twilio?

Twilio signs every webhook with the account's auth token over the URL it called (our
PUBLIC_BASE_URL plus the path and query) and the POSTed form fields; the official library's
RequestValidator checks that signature. Behind a reverse proxy the gateway cannot see the public
URL itself, so it is configured, never taken from the request's Host header (which a caller
chooses).

The signature is checked over every value of the form, as Twilio computes it, and a form with a
key twice is refused: the handlers read one value, and a second one put in front of a captured
request must not be the one they read. A body that is not URL encoding gets a 400, never a 500.

A signature does not say when: a captured request stays valid. `seen_before` records the id a
webhook carries (an SMS's MessageSid; on the phone the call's start and each step's own id) in
the database, so that two gateways agree on which request came first.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging

from aiohttp import web
from multidict import MultiDict, MultiDictProxy
from twilio.request_validator import RequestValidator

from verwijzing.gateway.forms import BAD_FORM, posted_form
from verwijzing.gateway.keys import SESSIONS, SETTINGS
from verwijzing.store.seen import first_time

logger = logging.getLogger(__name__)

FORBIDDEN = "Dit adres is alleen voor berichten van Twilio."


def public_url(request: web.Request) -> str:
    return request.app[SETTINGS].public_base_url.rstrip("/") + request.rel_url.path_qs


async def signed_form(request: web.Request) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """The webhook's form fields, or 403 when the signature does not match (or cannot be
    checked because TWILIO_AUTH_TOKEN is not set). The values are as aiohttp reads them: Twilio
    sends only text fields, but nothing stops a caller from posting a file, so callers take str()."""
    form = await posted_form(request)
    if len(set(form.keys())) != len(form):
        logger.warning("%s refused: a form field comes more than once", request.path)
        raise web.HTTPBadRequest(text=BAD_FORM)
    fields = MultiDict((key, str(value)) for key, value in form.items())
    token = request.app[SETTINGS].twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token:
        logger.warning("%s refused: TWILIO_AUTH_TOKEN is not set, so no signature can be checked", request.path)
        raise web.HTTPForbidden(text=FORBIDDEN)
    if not signature or not RequestValidator(token).validate(public_url(request), fields, signature):
        logger.warning("%s refused: the X-Twilio-Signature does not match", request.path)
        raise web.HTTPForbidden(text=FORBIDDEN)
    return form


async def seen_before(request: web.Request, sid: str) -> bool:
    """Whether a webhook with this id was answered already (a replay); records it when not.
    An empty id counts as seen: Twilio always sends one, so its absence is not Twilio."""
    if not sid:
        return True

    def record() -> bool:
        with request.app[SESSIONS].begin() as session:
            return first_time(session, sid, dt.datetime.now(dt.UTC))

    return not await asyncio.to_thread(record)
