"""Dutch numbers as people type them: digits, "7,5", "vijfentwintig", "twaalf en een half"."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache

from verwijzing.interpret.lexicon import data

_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
# "1.000" with a dot every three digits is a thousands separator in Dutch, not a decimal.
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def fold(text: str) -> str:
    """Lower case without accents: "drieëntwintig" and "Wallonië" are typed both ways."""
    text = text.replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _tables() -> tuple[dict[str, int], dict[str, int], dict[str, int], re.Pattern[str]]:
    words = data()["numbers"]
    units = {fold(k): v for k, v in words["units"].items()}
    teens = {fold(k): v for k, v in words["teens"].items()}
    tens = {fold(k): v for k, v in words["tens"].items()}
    # "vijfentwintig", "drieentwintig" (from drieëntwintig): a unit, "en", a ten.
    compound = re.compile(
        "({})en({})".format("|".join(units), "|".join(tens))
    )
    return units, teens, tens, compound


def _below_hundred(s: str) -> int | None:
    units, teens, tens, compound = _tables()
    for table in (units, teens, tens):
        if s in table:
            return table[s]
    match = compound.fullmatch(s)
    if match and units[match.group(1)] > 0:
        return units[match.group(1)] + tens[match.group(2)]
    return None


def _split(s: str, word: str, below: Callable[[str], int | None]) -> int | None:
    """Numbers built on "honderd" / "duizend": "tweehonderdvijftig", "tweeduizend en vijf"."""
    left, _, right = s.partition(word)
    factor = 1 if left == "" else below(left)
    if right.startswith("en"):
        right = right[2:]
    rest = 0 if right == "" else below(right)
    if factor is None or rest is None or factor == 0:
        return None
    return factor * (100 if word == "honderd" else 1000) + rest


def _below_thousand(s: str) -> int | None:
    if "honderd" in s:
        return _split(s, "honderd", _below_hundred)
    return _below_hundred(s)


def _integer(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if "duizend" in s:
        return _split(s, "duizend", _below_thousand)
    return _below_thousand(s)


def _digits(s: str) -> float | None:
    if _THOUSANDS.fullmatch(s):
        return float(s.replace(".", ""))
    if _DIGITS.fullmatch(s):
        return float(s.replace(",", "."))
    return None


def parse_number_words(words: Sequence[str]) -> float | None:
    """The value of folded words that together are one number, else None.

    The words are glued together first, so "vijf en twintig" and "vijfentwintig" are the same
    and so are "twaalf en een half" and "twaalfeneenhalf".
    """
    if not words or any(not w for w in words):
        return None
    if len(words) == 1 and (value := _digits(words[0])) is not None:
        return value
    if any(_digits(w) is not None for w in words[1:]):
        return None  # "24 en 2" is two numbers, not one
    joined = "".join(words)
    if joined in ("half", "eenhalf", "eenhalve"):
        return 0.5
    if joined == "anderhalf" or joined == "eenenhalf":
        return 1.5
    for suffix in ("eneenhalf", "eneenhalve", "enhalf", "enhalve"):
        if joined.endswith(suffix) and len(joined) > len(suffix):
            base = joined[: -len(suffix)]
            value = _digits(base) if base[0].isdigit() else _integer(base)
            return None if value is None else float(value) + 0.5
    if "komma" in joined:
        left, _, right = joined.partition("komma")
        whole, fraction = _integer(left), _integer(right)
        if whole is None or fraction is None:
            return None
        return float(f"{whole}.{fraction}")
    # "een twintigtal", "tiental": about that many.
    stem = joined[3:] if joined.startswith("een") and joined.endswith("tal") else joined
    if stem.endswith("tal") and len(stem) > 3:
        value = _integer(stem[:-3])
        return None if value is None else float(value)
    if joined[0].isdigit():
        return None
    value = _integer(joined)
    return None if value is None else float(value)


def _phrases(key: str) -> list[list[str]]:
    return sorted((fold(p).split() for p in data()["numbers"][key]), key=len, reverse=True)


def parse_dutch_number(text: str) -> float | None:
    """A number written in digits or Dutch words; None when the text is not (only) a number.

    Hedges that keep the number ("ongeveer tien", "een stuk of 10", "+-10") give the number;
    hedges that only give an upper bound ("bijna zeven") give None, because rounding them up
    would tell someone they have seven years when they do not.
    """
    # Before folding: NFKD would turn "½" into "1⁄2".
    folded = fold(text.replace("½", " en een half ").replace("±", " ongeveer "))
    folded = re.sub(r"\+ ?/? ?-", " ongeveer ", folded)
    folded = re.sub(r"(\d) +1/2\b", r"\1 en een half", folded)
    words = re.findall(r"\d+(?:[.,]\d+)*|[a-z']+", folded)
    for hedge in _phrases("below"):
        if words[: len(hedge)] == hedge:
            return None
    changed = True
    while changed:
        changed = False
        for hedge in _phrases("about"):
            if words[: len(hedge)] == hedge and len(words) > len(hedge):
                words = words[len(hedge):]
                changed = True
    return parse_number_words(words)
