"""What a person asks of the counsellor in their own words: a session in another language than
Dutch, an office they can reach in a wheelchair.

Read from every message of the conversation, the latest that says something winning, so a
correction counts ("toch in het Nederlands", "zonder rolstoel"). The offer says back what was read
(`Needs.said`) with how to undo it: a misreading shows, and the person can put it right.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from verwijzing.booking.matching import ASKABLE_LANGUAGES, DEFAULT_LANGUAGE, language_name
from verwijzing.enums import Modality
from verwijzing.interpret.numbers import fold


@dataclass(frozen=True)
class Needs:
    """A language other than Dutch, an office they can reach in a wheelchair."""

    language: str = DEFAULT_LANGUAGE
    wheelchair: bool = False

    def said(self, modality: str | None) -> str | None:
        """"Ik zoek alleen begeleiders die Frans spreken. Klopt dat niet? Typ …" — None when
        nothing was asked."""
        parts, undo = [], []
        if self.language != DEFAULT_LANGUAGE:
            parts.append(f"die {language_name(self.language).capitalize()} spreken")
            undo.append("'in het Nederlands'")
        if self.wheelchair and modality == Modality.OP_LOCATIE:
            parts.append("met een kantoor waar je met een rolstoel binnen kan")
            undo.append("'zonder rolstoel'")
        if not parts:
            return None
        return f"Ik zoek alleen begeleiders {' en '.join(parts)}. Klopt dat niet? Typ {' of '.join(undo)}."


# The words people use for a language: its Dutch name (babel, CLDR), the name in the language
# itself, in English and French, and the spellings seen in messages ("arabis", "rumeens").
_LANGUAGE_WORDS = {
    "nl": ("vlaams", "dutch", "neerlandais"),
    "fr": ("francais", "french", "franstalig\\w*"),
    "en": ("english", "anglais", "engelstalig\\w*"),
    "de": ("deutsch", "german", "allemand", "duitstalig\\w*"),
    "ar": ("arabis", "arabic", "arabe", "arab", "عربي", "العربية", "بالعربية"),
    "tr": ("turkce", "turkish", "turc", "turkisch"),
    "pl": ("polski", "polsku", "polish", "polonais"),
    "ro": ("rumeens", "romana", "romaneste", "romanian", "roumain"),
    "es": ("espanol", "spanish", "espagnol", "castellano"),
    "it": ("italiano", "italian", "italien"),
    "pt": ("portugues", "portuguese", "portugais"),
    "ru": ("русском", "русский", "по-русски", "russian", "russe"),
    "uk": ("oekraiens", "українською", "українська", "ukrainian", "ukrainien"),
}
_LANGUAGE = re.compile("|".join(
    rf"(?<!\w)(?P<{code}>{'|'.join((fold(language_name(code)), *_LANGUAGE_WORDS.get(code, ())))})(?!\w)"
    for code in ASKABLE_LANGUAGES))
# A Dutch name ("Frans", "Franstalig") is a request only with words that ask ("in het Frans",
# "iemand die Frans spreekt", "Frans aub") or alone: "ik werk in een Franstalig bedrijf" and "ik
# spreek Frans op het werk" tell about them. A name in the language itself ("en français") asks.
_DUTCH_NAME = re.compile("|".join(fold(language_name(code)) for code in ASKABLE_LANGUAGES) + r"|\w+talig\w*")
_ASKING = re.compile(
    r"\b(?:in het|in t|in 't|spreekt|spreken|praat|praten|klapt|klappen|aub|alstublieft|asjeblief|graag|svp"
    r"|please|liefst|liever|moedertaal|begeleider|iemand|gesprek)\b|\?")
# A language named but not asked for: "geen Frans", "mijn Nederlands is niet goed" (about them),
# "Engels gestudeerd", "cursus Spaans", "tolk Arabisch", "mijn cv is in het Engels".
_NOT_ASKED_BEFORE = re.compile(r"(?:\b(?:geen|gene|niet|nie|ni|neet|mijn|my|tolk|cursus|les|lessen)\s+)$")
_NOT_ASKED_AFTER = re.compile(r"^\s*(?:les|lessen|gestudeerd|studeren|leren|cursus)")
_ABOUT_SOMETHING_ELSE = re.compile(r"\b(?:cv|diploma|cursus|tolk|vertaler|les(?:sen)?|gestudeerd)\b")
_ABOUT_THE_SESSION = re.compile(r"\b(?:gesprek|begeleid\w*|afspraak|iemand|spreekt|spreken|praat|praten)\b")


def _language_in(text: str) -> str | None:
    """The language a message asks for, or None when it names none (or only as a fact). A foreign
    language beside Dutch wins: "in het Duits, mijn Nederlands is niet goed"."""
    plain = fold(text)
    asked = []
    for match in _LANGUAGE.finditer(plain):
        before, after = plain[: match.start()], plain[match.end():]
        if _NOT_ASKED_BEFORE.search(before[-20:]) or _NOT_ASKED_AFTER.match(after):
            continue
        if _DUTCH_NAME.fullmatch(match.group(0)) and not (_ASKING.search(plain) or len(plain.split()) <= 3):
            continue
        asked.append(str(match.lastgroup))
    if not asked or (_ABOUT_SOMETHING_ELSE.search(plain) and not _ABOUT_THE_SESSION.search(plain)):
        return None
    foreign = [code for code in asked if code != DEFAULT_LANGUAGE]
    return foreign[-1] if foreign else DEFAULT_LANGUAGE


_WHEELCHAIR = re.compile(
    r"rolstoel|rolwagen|roll?ator|wheelchair|fauteuil roulant|zonder trap|gelijkvloers|\blift\b"
    r"|\b(?:geen|nie|niet|ni|neet)\s+(?:met\s+)?trap|\btrappen\s+(?:lukken|gaan|kan ik)\s+(?:ni|nie|niet)")
# Said of someone else, or of the past, or not needed.
_NOT_THEIRS = re.compile(
    r"\b(?:moeder|vader|ma|pa|man|vrouw|partner|zoon|dochter|kind|kinderen|mensen|klanten|clienten|patienten"
    r"|vroeger|fabriek|winkel)\b")
_NOT_NEEDED = re.compile(
    r"\bgeen\s+(?:rolstoel|rolwagen|roll?ator)|zonder\s+(?:rolstoel|rolwagen|roll?ator)|niet\s+nodig|nie\s+nodig"
    r"|geen\s+probleem|maakt\s+(?:niet|nie|ni)\s+uit|hoeft\s+niet")


def _wheelchair_in(text: str) -> bool | None:
    """True when the message says they need an office they can reach in a wheelchair, False when
    it says they do not ("zonder rolstoel", "niet nodig"), None when it says nothing of it."""
    plain = fold(text)
    if not _WHEELCHAIR.search(plain):
        return None
    if _NOT_NEEDED.search(plain):
        return False
    clauses = [c for c in re.split(r"[,.;!?]|\bmaar\b", plain) if _WHEELCHAIR.search(c)]
    return True if any(not _NOT_THEIRS.search(c) for c in clauses) else None


def mentions_needs(text: str) -> bool:
    """Whether a message says something about a language or a wheelchair (the list of moments is
    then searched again: "zonder rolstoel", "in het Frans")."""
    return _language_in(text) is not None or _wheelchair_in(text) is not None


def read_needs(texts: Iterable[str]) -> Needs:
    """The needs in the messages of a conversation, oldest first: the latest that says something
    about a language or a wheelchair counts."""
    language, wheelchair = DEFAULT_LANGUAGE, False
    for text in texts:
        language = _language_in(text) or language
        said = _wheelchair_in(text)
        wheelchair = wheelchair if said is None else said
    return Needs(language, wheelchair)
