"""The Belgian national number (INSZ: rijksregisternummer or BIS number).

We only ever need the number to recognise the same person again (one credit per career), so it
is checked, turned into a keyed hash with `citizen_key`, and dropped. Nothing here logs it, and
no error message repeats it: messages end up in logs and chat transcripts.

The check itself is python-stdnum's (`stdnum.be.nn` for the national register, `stdnum.be.bis`
for BIS numbers): check digits under both century rules, the birth month, and the registry's
special cases (unknown birth dates, exhausted day counters) that a hand-written check gets
wrong. What this module adds is the Dutch reason for the person who typed it. Finding a number
in free text is `verwijzing_rasa.pii` (one shape for the reader, the redaction and the NLU).
"""
from __future__ import annotations

import hashlib
import hmac
import re

from stdnum import exceptions as stdnum_errors
from stdnum.be import bis, nn

from verwijzing.config import ConfigError

# What people put between the digits; stdnum itself strips only spaces, dots and dashes.
_SEPARATORS = re.compile(r"[\s./\-\u2010-\u2015]")


class InvalidInsz(ValueError):
    """The number cannot be a national number. `reason` is one plain Dutch sentence for the person
    who typed it; it never contains the number."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class PepperMissing(ConfigError):
    """Without a secret pepper the hash of an 11-digit number can be reversed by trying them all."""


def normalise_insz(raw: str) -> str:
    """The 11 digits of a valid national or BIS number; dots, dashes, slashes and spaces are allowed."""
    if not isinstance(raw, str):
        raise InvalidInsz("not_text", "Geef je rijksregisternummer als tekst, met 11 cijfers.")
    digits = _SEPARATORS.sub("", raw)
    if not digits:
        raise InvalidInsz("empty", "Je hebt geen rijksregisternummer gegeven.")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInsz(
            "not_digits", "Een rijksregisternummer bestaat alleen uit cijfers (punten en streepjes mogen)."
        )
    if len(digits) != 11:
        raise InvalidInsz(
            "length", f"Een rijksregisternummer heeft 11 cijfers. Ik tel er {len(digits)}."
        )
    errors: list[stdnum_errors.ValidationError] = []
    for validate in (nn.validate, bis.validate):  # a national-register number, else a BIS number (month + 20 or + 40)
        try:
            return validate(digits)
        except stdnum_errors.ValidationError as error:
            errors.append(error)
    raise _dutch(errors)


def _dutch(errors: list[stdnum_errors.ValidationError]) -> InvalidInsz:
    """stdnum's reason, in Dutch. Both checks read the check digits before the month, so a
    wrong month is only said when the check digits are right."""
    if any(isinstance(e, stdnum_errors.InvalidComponent) for e in errors) and not any(
        isinstance(e, stdnum_errors.InvalidChecksum) for e in errors
    ):
        return InvalidInsz("birth_month", "De geboortemaand in je rijksregisternummer kan niet kloppen.")
    # InvalidChecksum, or InvalidFormat for 00000000000 (digits and length were checked above).
    return InvalidInsz(
        "check_digits",
        "De laatste twee cijfers (de controlecijfers) kloppen niet. Kijk je nummer nog eens na.",
    )


def citizen_key(insz: str, pepper: bytes | str) -> str:
    """The pseudonym under which a person's credit is kept: HMAC-SHA256 of the number, in hex.

    A plain hash would not do: there are few enough national numbers to hash them all and look
    the result up. The pepper (VERWIJZING_INSZ_PEPPER) is kept out of the database."""
    key = pepper.encode() if isinstance(pepper, str) else pepper
    if not key:
        raise PepperMissing(
            "VERWIJZING_INSZ_PEPPER is empty: set it to a long random secret (the same one for "
            "every process that shares the database) before national numbers can be used"
        )
    return hmac.new(key, normalise_insz(insz).encode("ascii"), hashlib.sha256).hexdigest()
