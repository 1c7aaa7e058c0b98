"""Belgian postcodes → province and region.

Postcodes follow fixed ranges per province (domain.md, "Data that can be used offline"): facts
about the postal system, not policy figures. The one place these ranges live; the free-text
interpreters and the booking's "near me" both read them here.
"""
from __future__ import annotations

import re

BRUSSEL = "brussel"
FLEMISH_PROVINCES = ("antwerpen", "limburg", "oost-vlaanderen", "west-vlaanderen", "vlaams-brabant")

# (first postcode, last postcode, province slug, region code)
_RANGES = (
    (1000, 1299, BRUSSEL, "BRU"),
    (1300, 1499, "waals-brabant", "WAL"),
    (1500, 1999, "vlaams-brabant", "VLG"),
    (2000, 2999, "antwerpen", "VLG"),
    (3000, 3499, "vlaams-brabant", "VLG"),
    (3500, 3999, "limburg", "VLG"),
    (4000, 4999, "luik", "WAL"),
    (5000, 5999, "namen", "WAL"),
    (6000, 6599, "henegouwen", "WAL"),
    (6600, 6999, "luxemburg", "WAL"),
    (7000, 7999, "henegouwen", "WAL"),
    (8000, 8999, "west-vlaanderen", "VLG"),
    (9000, 9999, "oost-vlaanderen", "VLG"),
)


class UnknownPostcode(ValueError):
    """Not a Belgian postcode. The message is plain Dutch, for the person who typed it."""


def parse_postcode(raw: str | int) -> int:
    text = str(raw).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise UnknownPostcode("Een Belgische postcode heeft 4 cijfers, bijvoorbeeld 9000.")
    return int(text)


def province_of(postcode: str | int) -> str:
    """The province slug of a Belgian postcode, e.g. "3500" → "limburg", "1000" → "brussel"."""
    return _lookup(parse_postcode(postcode))[0]


def region_of(postcode: str | int) -> str:
    """VLG, BRU or WAL."""
    return _lookup(parse_postcode(postcode))[1]


def _lookup(code: int) -> tuple[str, str]:
    for first, last, province, region in _RANGES:
        if first <= code <= last:
            return province, region
    raise UnknownPostcode("Die postcode ken ik niet. Een Belgische postcode ligt tussen 1000 en 9999.")
