"""Personal values a conversation must carry for a few turns, sealed (the phone number).

The phone number is read in one turn and used when the booking is confirmed, maybe a turn
later. Rasa keeps every slot value in its stored events for as long as the conversation is kept,
so the slot holds the number encrypted (Fernet: AES and an HMAC), never the number itself. The
key is derived from the secret pepper that every action server already has, with its own label,
so it is not the key of the national-number hash.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

_LABEL = b"verwijzing:sealed-slot:v1"
PREFIX = "sealed:"


def _fernet(secret: bytes | str) -> Fernet:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("a secret is needed to seal a value")
    return Fernet(base64.urlsafe_b64encode(hmac.new(key, _LABEL, hashlib.sha256).digest()))


def seal(value: str, secret: bytes | str) -> str:
    return PREFIX + _fernet(secret).encrypt(value.encode()).decode("ascii")


def unseal(sealed: str | None, secret: bytes | str) -> str | None:
    """The value, or None when `sealed` is empty, not sealed, or sealed with another secret."""
    if not sealed or not sealed.startswith(PREFIX) or not secret:
        return None  # nothing sealed, or no key to open it with
    try:
        return _fernet(secret).decrypt(sealed[len(PREFIX):].encode("ascii")).decode()
    except InvalidToken:
        return None
