"""The Belgian national number (INSZ: rijksregisternummer or BIS number).

We only ever need the number to recognise the same person again (one credit per career), so it
is checked, turned into a keyed hash with `citizen_key`, and dropped. Nothing here logs it, and
no error message repeats it: messages end up in logs and chat transcripts.

The check digits are 97 minus the first nine digits modulo 97; for people born from 2000 on, a
"2" is put in front of those nine digits first. The number itself does not say the century, so
a number is valid when either rule gives its check digits.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from verwijzing.config import ConfigError

_SEPARATORS = re.compile(r"[\s.\-/]")
_MODULUS = 97
# BIS numbers add 20 (sex unknown) or 40 (sex known) to the birth month.
_BIS_MONTH_OFFSETS = (0, 20, 40)


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
    """The 11 digits of a valid national number; dots, dashes, slashes and spaces are allowed."""
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
    century = insz_century(digits)
    _check_birth_date(digits, century)
    return digits


def insz_century(digits: str) -> int:
    """1900 or 2000: which check-digit rule the 11 digits satisfy. Raises InvalidInsz if neither."""
    body, check = digits[:9], int(digits[9:])
    if _MODULUS - int(body) % _MODULUS == check:
        return 1900
    if _MODULUS - int("2" + body) % _MODULUS == check:
        return 2000
    raise InvalidInsz(
        "check_digits",
        "De laatste twee cijfers (de controlecijfers) kloppen niet. Kijk je nummer nog eens na.",
    )


def _check_birth_date(digits: str, century: int) -> None:
    year, month, day = century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    for offset in _BIS_MONTH_OFFSETS:
        if offset <= month <= offset + 12:
            month -= offset
            break
    else:
        raise InvalidInsz("birth_month", "De geboortemaand in je rijksregisternummer kan niet kloppen.")
    if day > 31:
        raise InvalidInsz("birth_day", "De geboortedag in je rijksregisternummer kan niet kloppen.")
    # Month or day 00 means "unknown" (people whose birth date was never registered).
    if month and day:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise InvalidInsz(
                "birth_date", "De geboortedatum in je rijksregisternummer bestaat niet."
            ) from None


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
