"""A reply as SMS: numbered choices, the GSM-7 alphabet, at most three segments per message.

Why GSM-7: one SMS segment holds 160 characters of the GSM 03.38 alphabet, but only 70 when a
single character falls outside it (then the whole message goes as UCS-2). Dutch text is nearly
all GSM-7; a typographic apostrophe, "ë" or "…" would cost more than half the room. So those are
written plainly ("ë" → "e", "’" → "'"), which a reader hardly notices, and counted exactly.
A reply longer than three segments is split at the most natural place (between messages, then
between lines, then between sentences) into several SMS of at most three segments each.
"""
from __future__ import annotations

import math
import re
import unicodedata

import gsm0338  # noqa: F401 — registers the "gsm03.38" codec

from verwijzing.gateway.assistant import BotMessage
from verwijzing.gateway.options import choices, lists_choices

MAX_SEGMENTS = 3
_GSM_SINGLE, _GSM_PART = 160, 153  # a multi-part SMS spends 7 septets per part on its header
_UCS_SINGLE, _UCS_PART = 70, 67

_PLAIN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2022": "-", "\u00b7": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})


def fits_gsm7(text: str) -> bool:
    try:
        text.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def to_gsm7(text: str) -> str:
    """`text` in the GSM-7 alphabet where a plain spelling exists; other characters are kept
    (they make the message UCS-2, and `segments` counts that)."""
    text = text.translate(_PLAIN)
    out = []
    for char in text:
        if fits_gsm7(char):
            out.append(char)
            continue
        # "ë" → "e", "ï" → "i", "ô" → "o": the letter without its accent.
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if base and fits_gsm7(base):
            out.append(base)
        elif unicodedata.category(char) in ("So", "Sk", "Cs", "Co", "Cf"):
            continue  # emoji and other symbols: nothing to read, so left out
        else:
            out.append(char)
    return "".join(out)


def segments(text: str) -> int:
    """How many SMS segments `text` costs (GSM-7 septets when it fits, else UCS-2 units)."""
    if not text:
        return 1
    try:
        septets = len(text.encode("gsm03.38"))  # extension characters such as € count 2
        single, part = _GSM_SINGLE, _GSM_PART
    except UnicodeEncodeError:
        septets = len(text.encode("utf-16-le")) // 2
        single, part = _UCS_SINGLE, _UCS_PART
    return 1 if septets <= single else math.ceil(septets / part)


def reply_text(reply: list[BotMessage]) -> str:
    """The bot's messages of one turn as one text, buttons as numbered lines."""
    parts = []
    for message in reply:
        text = message.text.strip()
        listed = choices(message.buttons)
        if listed and not lists_choices(text, listed):
            lines = "\n".join(f"{c.number}. {c.title}" for c in listed)
            text = f"{text}\n{lines}" if text else lines
        if text:
            parts.append(text)
    return to_gsm7("\n\n".join(parts))


_SEPARATORS = ("\n\n", "\n", ". ", " ")


def split(text: str, max_segments: int = MAX_SEGMENTS) -> list[str]:
    """`text` as few SMS as possible, each at most `max_segments` segments."""
    text = text.strip()
    if segments(text) <= max_segments:
        return [text] if text else []
    return _pack(text, max_segments, 0)


def _pack(text: str, max_segments: int, level: int) -> list[str]:
    separator = _SEPARATORS[level]
    pieces = [p for p in text.split(separator) if p.strip()]
    if separator == ". ":
        pieces = [p if p.endswith((".", "?", "!")) else p + "." for p in pieces[:-1]] + pieces[-1:]
    messages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator if separator != '. ' else ' '}{piece}" if current else piece
        if segments(candidate.strip()) <= max_segments:
            current = candidate
            continue
        if current:
            messages.append(current.strip())
        if segments(piece.strip()) <= max_segments:
            current = piece
        elif level + 1 < len(_SEPARATORS):
            deeper = _pack(piece, max_segments, level + 1)
            messages.extend(deeper[:-1])
            current = deeper[-1] if deeper else ""
        else:  # one word longer than three segments: cut it
            limit = max_segments * _UCS_PART
            messages.extend(re.findall(f".{{1,{limit}}}", piece, re.S))
            current = ""
    if current.strip():
        messages.append(current.strip())
    return messages
