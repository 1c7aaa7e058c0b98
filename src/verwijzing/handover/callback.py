"""Asking for a call back in a few words: "bel me terug", then the number (the web; SMS knows it),
then a part of the day. Pure readers of what the person types; the gateway keeps the state."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from verwijzing.enums import Daypart
from verwijzing.interpret.numbers import fold

_WANTS = re.compile(r"\b(?:terug\s*bell?en|bel\s+(?:me|mij)\s+(?:terug|op)|terugbel\w*)\b")
_STOP = re.compile(r"^\W*(?:nee|neen|laat\s+maar|annuleer|stop|toch\s+niet|niet\s+nodig)\b")
_DAYPARTS = (
    (Daypart.MORNING, re.compile(r"^\W*1\W*$|voormiddag|ochtend|\bs?\s?morgens\b|voor\s+de\s+middag")),
    (Daypart.AFTERNOON, re.compile(r"^\W*2\W*$|namiddag|\bs?\s?middags\b|na\s+de\s+middag|\bmiddag\b")),
    (Daypart.ANY, re.compile(r"^\W*3\W*$|maakt\s+(?:niet|nie|ni|niks)\s+uit|om\s+het\s+even|eender|altijd")),
)
DAYPART_WORDS = {Daypart.MORNING: "in de voormiddag", Daypart.AFTERNOON: "in de namiddag",
                 Daypart.ANY: "in de voormiddag of de namiddag"}


def wants_callback(text: str) -> bool:
    return bool(_WANTS.search(fold(text)))


def stops(text: str) -> bool:
    return bool(_STOP.match(fold(text)))


def read_daypart(text: str) -> Daypart | None:
    """"1", "s morgens", "liefst in de namiddag", "maakt niet uit"; None when it is not clear (both)."""
    plain = fold(text)
    found = {daypart for daypart, pattern in _DAYPARTS if pattern.search(plain)}
    return found.pop() if len(found) == 1 else None


class Ask(StrEnum):
    """Where asking for a call back stands after a message: what the person is told next. Each
    channel words it its own way (handover/texts.py: typed on the web and by SMS, keys on the phone)."""

    PHONE = "nummer"
    PHONE_AGAIN = "nummer_opnieuw"
    DAYPART = "dagdeel"
    DAYPART_AGAIN = "dagdeel_opnieuw"
    GAVE_UP = "opgegeven"  # the second answer it could not read: VDAB's number instead
    STOPPED = "gestopt"
    NOTED = "genoteerd"  # the call back waits in the staff queue; an SMS says so


@dataclass(frozen=True)
class CallbackStep:
    ask: Ask
    daypart: Daypart | None = None  # NOTED: when
    code: str = ""  # NOTED: the case code
    texted: bool = False  # NOTED: an SMS confirms it (not when that number got one today)
