"""One-time codes by SMS: proof, in this conversation, that the person holds the phone of a booking.

A typed national number is no proof of who someone is: anyone at a shared PC, or anyone who sends
an SMS from (or spoofs) a number, can type one. So a second booking on the same credit, a move and
a cancellation need a 6-digit code, sent by SMS to the phone number on the booking, typed back in
the same conversation within VALID_FOR, with at most TRIES tries (then a person helps).

Only a keyed hash of the code is kept (in the conversation's slot `sms_code_wacht`, with what it
is for, when it ends and the tries used); the code itself goes out in the SMS and nowhere else.
Pure functions: the actions keep the state in the conversation and send the SMS through the outbox.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from verwijzing_rasa.pii import ascii_digits

VALID_FOR = dt.timedelta(minutes=10)
TRIES = 5
DIGITS = 6
# The code's digits typed on their own, maybe in groups ("123 456", "123-456"); digits of any
# script are read as ASCII first (pii.ascii_digits, the one reader of digits).
_TYPED = re.compile(rf"^[^0-9]*([0-9](?:[\s.-]?[0-9]){{{DIGITS - 1}}})[^0-9]*$")


@dataclass(frozen=True)
class Pending:
    """A code that was sent: what it proves (a booking reference or a credit's key), its keyed
    hash, until when it holds, and the tries used."""

    subject: str
    code_hash: str
    expires: dt.datetime
    tries: int = 0

    def as_slot(self) -> dict[str, Any]:
        return {"subject": self.subject, "hash": self.code_hash, "expires": self.expires.isoformat(),
                "tries": self.tries}

    @classmethod
    def from_slot(cls, value: Any) -> Pending | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(str(value["subject"]), str(value["hash"]), dt.datetime.fromisoformat(value["expires"]),
                       int(value["tries"]))
        except (KeyError, TypeError, ValueError):
            return None


def _hash(code: str, subject: str, secret: bytes) -> str:
    return hmac.new(secret, f"{subject}:{code}".encode(), hashlib.sha256).hexdigest()


def new_code(subject: str, secret: bytes, now: dt.datetime) -> tuple[str, Pending]:
    """A fresh random code for `subject` (to send) and what the conversation keeps of it."""
    code = f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"
    return code, Pending(subject, _hash(code, subject, secret), now + VALID_FOR)


def typed_code(text: str) -> str | None:
    """The digits of a message that is only a code ("123 456" too); None otherwise."""
    match = _TYPED.match(ascii_digits(text or ""))
    return re.sub(r"[^0-9]", "", match.group(1)) if match else None


@dataclass(frozen=True)
class Check:
    ok: bool
    pending: Pending | None  # what to keep (None: nothing left to try)
    reason: str | None = None  # "expired", "wrong", "used_up"


def check(pending: Pending, typed: str, secret: bytes, now: dt.datetime) -> Check:
    """Whether `typed` is the code; a wrong one uses a try, the last try or an old code ends it."""
    if now > pending.expires:
        return Check(False, None, "expired")
    if hmac.compare_digest(_hash(typed, pending.subject, secret), pending.code_hash):
        return Check(True, None)
    tries = pending.tries + 1
    if tries >= TRIES:
        return Check(False, None, "used_up")
    return Check(False, Pending(pending.subject, pending.code_hash, pending.expires, tries), "wrong")
