"""What a person already used: hours of the loopbaankrediet, and whether they ever had a loopbaancheque.

"ik heb mijn drie blokken al gehad" (6 hours), "4 uur gebruikt", "nee, nog niks", "een
loopbaancheque gehad in 2019". Blocks are turned into hours with the block length of the day's
policy; "alles", "al mijn uren" is the whole credit.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cache

from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, analyse
from verwijzing.interpret.numbers import fold
from verwijzing.interpret.yesno import read_ja_nee
from verwijzing.policy import regime_at

_HOUR_UNITS = {"uur", "uren", "uurtjes"}
_BLOCK_UNITS = {"blok", "blokken", "blokje", "blokjes", "sessie", "sessies", "gesprek", "gesprekken"}


@cache
def _words(key: str) -> list[str]:
    return [fold(w) for w in data()["credit_used"][key]]


def _about_credit(a: Analysis) -> bool:
    return a.has(_words("credit"), range(len(a.tokens)))


def _used(a: Analysis) -> bool:
    return a.has(_words("used"), range(len(a.tokens)))


def _amount(a: Analysis, block: float | None, whole: float | None) -> float | None:
    """Hours from "4 uur", "twee blokken", "mijn drie blokken", "alles"; None when no amount."""
    tokens = a.tokens
    if whole is not None and a.has(_words("all"), range(len(tokens))):
        return whole
    for i, t in enumerate(tokens[:-1]):
        unit = tokens[i + 1].norm
        value = 1.0 if t.norm in ("een", "1") else t.value
        if value is None:
            continue
        after = " ".join(x.norm for x in tokens[i + 2:i + 4])
        if unit in _BLOCK_UNITS and block is not None:
            return value * block
        # "blokken van twee uur" gives the block's length, not what was used.
        before = tokens[i - 1].norm if i > 0 else ""
        if unit in _HOUR_UNITS and before != "van" and not after.startswith("per "):
            return value
    return None


def read_eerder_gebruikt_uren(text: str, peildatum: dt.date, asked: bool = False) -> float | None:
    """Hours of the credit already used, or None when the text does not say.

    Asked: "nee" / "nog niks" is 0, a number of hours or blocks is that many hours, a bare number
    is hours. Not asked (a story): only a mention of the credit (or career guidance) together with
    having used it and an amount counts ("mijn drie blokken loopbaankrediet gehad").
    """
    view = regime_at(peildatum)
    block, whole = view.value("blok_uren"), view.value("krediet_uren")
    a = analyse(text)
    if asked:
        amount = _amount(a, block, whole)
        if amount is not None:
            return amount
        if read_ja_nee(text) is False or a.has(_words("none"), range(len(a.tokens))):
            return 0.0
        bare = [t.value for t in a.tokens if t.value is not None]
        return bare[0] if len(bare) == 1 and (whole is None or bare[0] <= whole) else None
    if not (_about_credit(a) and _used(a)) or a.has(_words("none"), range(len(a.tokens))):
        return None
    return _amount(a, block, whole)


_CHEQUE = re.compile(r"\bloopbaan ?cheques?\b")


def read_eerder_loopbaancheque(text: str, asked: bool = False) -> bool | None:
    """Whether the person ever used a loopbaancheque. Asked: yes or no. In a story: a mention of
    the cheque with having used it ("vroeger al een loopbaancheque gehad"), or never having."""
    if asked:
        return read_ja_nee(text)
    a = analyse(text)
    if not _CHEQUE.search(a.norm_text):
        return None
    if a.has(_words("never"), range(len(a.tokens))):
        return False
    return True if a.has(_words("used"), range(len(a.tokens))) else None
