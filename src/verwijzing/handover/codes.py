"""Case codes: 6 characters a person can read aloud, type on a keypad menu or say at a counter.

No letters or digits that look or sound alike (0/O, 1/I/L, 2/Z, 5/S, 8/B): 25 characters, so
25**6 ≈ 244 million codes; a new code is drawn at random and checked against the table."""
from __future__ import annotations

import re
import secrets
import string

# Left out: what looks or sounds like another character. The alphabet is the rest.
LOOK_ALIKES = "0O1IL2Z5S8B"
ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in LOOK_ALIKES)
LENGTH = 6
_TYPED = re.compile(r"[^0-9A-Za-z]")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(typed: str) -> str | None:
    """"hk-7 m3p" → "HK7M3P"; None when it cannot be a case code (then nothing is looked up)."""
    code = _TYPED.sub("", typed or "").upper()
    return code if len(code) == LENGTH and all(c in ALPHABET for c in code) else None


# On the phone a code is spelled as people in Belgium spell on the phone ("K van Kilogram"): a
# letter alone is easily misheard over a line (M/N, T/D, V/W).
SPELLING_WORDS = {"A": "Arthur", "C": "Carolina", "D": "Desiré", "E": "Emiel", "F": "Frederik", "G": "Gustaaf",
                  "H": "Hendrik", "J": "Jozef", "K": "Kilogram", "M": "Maria", "N": "Napoleon", "P": "Piano",
                  "Q": "Quotiënt", "R": "Robert", "T": "Telefoon", "U": "Ursula", "V": "Victor",
                  "W": "Waterloo", "X": "Xavier", "Y": "Yvonne"}


def spoken_code(code: str) -> str:
    """"HK7M3P" → "H van Hendrik, K van Kilogram, 7, M van Maria, 3, P van Piano"."""
    return ", ".join(f"{c} van {SPELLING_WORDS[c]}" if c in SPELLING_WORDS else c for c in code)
