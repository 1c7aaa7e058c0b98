"""Conversation ids belong to the gateway, never to the client.

- The web chat gets a random id in an HttpOnly, SameSite cookie, sealed with an HMAC of
  VERWIJZING_CHANNEL_SECRET: only ids the gateway issued are taken. After a person proved with
  a one-time code that an SMS conversation is theirs (gateway/web/carry.py), the cookie holds
  that SMS conversation's id instead. An id of the right shape that
  someone else chose (fixation: planted in a shared browser before the person starts) gets a new
  one. On https the cookie is named with the `__Host-` prefix, so the browser keeps it to this
  exact host, Secure and for the whole site.
- SMS and the phone use a keyed hash of the caller's number (VERWIJZING_CHANNEL_SECRET, not the
  INSZ pepper), so the number itself is never an id, a log line or a key in Rasa's tables.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from verwijzing.notify.optout import phone_key

__all__ = ["COOKIE", "begun_on_the_web", "caller_id", "cookie_name", "cookie_value", "new_web_id", "phone_key",
           "web_id_from_cookie"]

COOKIE = "verwijzing_gesprek"
# How much of the keyed hash of a caller's number names their conversation (caller_id).
_CALLER_KEY = 40
_WEB_ONLY = re.compile(r"web-[A-Za-z0-9_-]{32}")
# What a cookie may hold: a web id, or an SMS conversation's id carried to the web.
_WEB = re.compile(rf"{_WEB_ONLY.pattern}|sms-[0-9a-f]{{{_CALLER_KEY}}}")


def cookie_name(https: bool) -> str:
    """`__Host-` on https (the browser then demands Secure, Path=/ and no Domain); plain on a
    local http address, where browsers refuse that prefix."""
    return f"__Host-{COOKIE}" if https else COOKIE


def new_web_id() -> str:
    return "web-" + secrets.token_urlsafe(24)  # 24 bytes → 32 characters


def _seal(web_id: str, secret: bytes) -> str:
    digest = hmac.new(secret, web_id.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def cookie_value(web_id: str, secret: bytes) -> str:
    """What the cookie holds: the id and its seal."""
    return f"{web_id}.{_seal(web_id, secret)}"


def web_id_from_cookie(value: str | None, secret: bytes) -> str | None:
    """The conversation id of a cookie the gateway issued; None for anything else."""
    web_id, _, seal = (value or "").rpartition(".")
    if not _WEB.fullmatch(web_id) or not seal.isascii():
        return None
    return web_id if hmac.compare_digest(seal, _seal(web_id, secret)) else None


def begun_on_the_web(conversation_id: str) -> bool:
    """A conversation begun on the web (not one carried here from SMS)."""
    return bool(_WEB_ONLY.fullmatch(conversation_id))


def caller_id(channel: str, e164: str, secret: bytes) -> str:
    """The conversation id of a caller on the SMS or phone channel: the same keyed hash as the
    SMS opt-out list (notify.optout.phone_key), so both have one definition."""
    return f"{channel}-{phone_key(e164, secret)[:_CALLER_KEY]}"
