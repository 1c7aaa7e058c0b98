"""Phone numbers as typed by people ("0470 12 34 56") to E.164 ("+32470123456").

The numbering plans are Google's libphonenumber's (the `phonenumbers` package): which lengths a
country's numbers have, and which Belgian ranges are mobiles. What this module adds is the
Belgian default (a number without country code is Belgian) and the Dutch reasons.
"""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

_NOISE = re.compile(r"[\s.\-/()]")
_DIGITS = re.compile(r"\+?\d+")
_HOME = "BE"
_LENGTH_PROBLEMS = (
    ValidationResult.TOO_SHORT, ValidationResult.TOO_LONG, ValidationResult.INVALID_LENGTH,
)
_TEXTABLE = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


class InvalidPhone(ValueError):
    """Not a phone number we can use; the message is plain Dutch and does not repeat the number."""


def normalise_phone(raw: str) -> str:
    text = _NOISE.sub("", raw or "")
    if text.startswith("00"):
        text = "+" + text[2:]
    # Digits only (and a leading +): libphonenumber would also read letters ("0800-FLOWERS") and
    # dig a number out of a sentence, and neither is something a person meant as their number.
    if not _DIGITS.fullmatch(text):
        raise InvalidPhone("Dat lijkt geen telefoonnummer. Typ het zo: 0470 12 34 56.")
    try:
        number = phonenumbers.parse(text, _HOME)
    except NumberParseException:
        raise InvalidPhone("Dat lijkt geen telefoonnummer. Typ het zo: 0470 12 34 56.") from None
    # Possible (a length the country uses), not "valid" (a range known to be handed out): a new
    # range must not lock anyone out, and a wrong number fails at the SMS provider, not here.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != ValidationResult.IS_POSSIBLE:
        if number.country_code == 32 and reason in _LENGTH_PROBLEMS:
            raise InvalidPhone("Een Belgisch nummer heeft 9 of 10 cijfers, bijvoorbeeld 0470 12 34 56.")
        raise InvalidPhone("Dat lijkt geen telefoonnummer. Typ het zo: 0470 12 34 56.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def can_receive_sms(e164: str) -> bool:
    """Belgian landlines cannot receive an SMS; foreign numbers we cannot tell, so we try."""
    number = phonenumbers.parse(e164)
    if number.country_code != 32:
        return True
    return phonenumbers.number_type(number) in _TEXTABLE


def mask(e164: str | None) -> str:
    """For logs: enough to tell two numbers apart in a conversation, not enough to call."""
    return f"…{e164[-2:]}" if e164 else "-"
