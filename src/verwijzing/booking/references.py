"""Booking references ("LK-7K3P"): made at random, read back however people type them."""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from verwijzing.store.models import Booking

REFERENCE_PREFIX = "LK-"
# No 0/O and 1/I: references are read out on the phone and typed from an SMS.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 4
# A reference in a text, as we write it ("LK-7K3P") and as people type it back ("lk 7k3p",
# "LK7K3P"); group 1 is its code. The one pattern the reader, the page and the voice use.
TYPED_REFERENCE = re.compile(
    rf"\b{REFERENCE_PREFIX[:-1]}[-\s]?([{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}})\b", re.IGNORECASE)
WRITTEN_REFERENCE = re.compile(rf"\b{re.escape(REFERENCE_PREFIX)}([{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}})\b")


def make_reference(choice: Callable[[str], str] = secrets.choice) -> str:
    return REFERENCE_PREFIX + "".join(choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(raw: str) -> str:
    """"lk-7k3p", "LK 7K3P", "7k3p" → "LK-7K3P" (as people type it back from an SMS)."""
    text = "".join(raw.split()).upper().replace("-", "")
    if text.startswith(REFERENCE_PREFIX[:-1]) and len(text) == REFERENCE_LENGTH + 2:
        text = text[2:]
    return REFERENCE_PREFIX + text


def unused_reference(session: Session) -> str:
    """A fresh reference no booking has yet (the unique index still decides in a race)."""
    while True:
        reference = make_reference()
        if session.scalar(select(exists().where(Booking.reference == reference))) is False:
            return reference
