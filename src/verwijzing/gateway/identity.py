"""Conversation ids belong to the gateway, never to the client.

- The web chat gets a random id in an HttpOnly, SameSite cookie; an id the browser makes up is
  not taken (a cookie that does not have our shape gets a new random id).
- SMS and the phone use a keyed hash of the caller's number (VERWIJZING_CHANNEL_SECRET, not the
  INSZ pepper), so the number itself is never an id, a log line or a key in Rasa's tables.
"""
from __future__ import annotations

import re
import secrets

from verwijzing.notify.optout import phone_key

__all__ = ["COOKIE", "caller_id", "new_web_id", "phone_key", "web_id_from_cookie"]

COOKIE = "verwijzing_gesprek"
_WEB = re.compile(r"web-[A-Za-z0-9_-]{32}")


def new_web_id() -> str:
    return "web-" + secrets.token_urlsafe(24)  # 24 bytes → 32 characters


def web_id_from_cookie(value: str | None) -> str | None:
    return value if value and _WEB.fullmatch(value) else None


def caller_id(channel: str, e164: str, secret: bytes) -> str:
    """The conversation id of a caller on the SMS or phone channel: the same keyed hash as the
    SMS opt-out list (notify.optout.phone_key), so both have one definition."""
    return f"{channel}-{phone_key(e164, secret)[:40]}"
