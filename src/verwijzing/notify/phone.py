"""Phone numbers as typed by people ("0470 12 34 56") to E.164 ("+32470123456")."""
from __future__ import annotations

import re

_NOISE = re.compile(r"[\s.\-/()]")
_E164 = re.compile(r"\+[1-9]\d{7,14}")
_BELGIUM = "+32"
# Belgian numbers have 8 digits after +32 (landline) or 9 (mobile, starting with 4).
_BE_LENGTHS = (len(_BELGIUM) + 8, len(_BELGIUM) + 9)


class InvalidPhone(ValueError):
    """Not a phone number we can use; the message is plain Dutch and does not repeat the number."""


def normalise_phone(raw: str) -> str:
    text = _NOISE.sub("", raw or "")
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("0"):
        text = _BELGIUM + text[1:]
    if not _E164.fullmatch(text):
        raise InvalidPhone("Dat lijkt geen telefoonnummer. Typ het zo: 0470 12 34 56.")
    if text.startswith(_BELGIUM) and len(text) not in _BE_LENGTHS:
        raise InvalidPhone("Een Belgisch nummer heeft 9 of 10 cijfers, bijvoorbeeld 0470 12 34 56.")
    return text


def can_receive_sms(e164: str) -> bool:
    """Belgian landlines cannot receive an SMS; foreign numbers we cannot tell, so we try."""
    if e164.startswith(_BELGIUM):
        return e164.startswith(_BELGIUM + "4") and len(e164) == _BE_LENGTHS[1]
    return True


def mask(e164: str | None) -> str:
    """For logs: enough to tell two numbers apart in a conversation, not enough to call."""
    return f"…{e164[-2:]}" if e164 else "-"
