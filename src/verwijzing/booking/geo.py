"""Where a postcode is, and which provinces lie next to each other (for "near me" offers).

Belgian postcodes follow fixed ranges per province (domain.md, "Data that can be used offline");
these are facts about the postal system, not policy figures.
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

# Provinces that share a border (Brussels counts as its own province). Walloon provinces are
# listed with their Flemish or Brussels neighbours only: counsellors work in Flanders and Brussels.
NEIGHBOURS: dict[str, frozenset[str]] = {
    "antwerpen": frozenset({"limburg", "oost-vlaanderen", "vlaams-brabant"}),
    "limburg": frozenset({"antwerpen", "vlaams-brabant"}),
    "oost-vlaanderen": frozenset({"antwerpen", "west-vlaanderen", "vlaams-brabant"}),
    "west-vlaanderen": frozenset({"oost-vlaanderen"}),
    "vlaams-brabant": frozenset({"antwerpen", "limburg", "oost-vlaanderen", BRUSSEL}),
    BRUSSEL: frozenset({"vlaams-brabant"}),
    "waals-brabant": frozenset({"vlaams-brabant", BRUSSEL}),
    "henegouwen": frozenset({"west-vlaanderen", "oost-vlaanderen", "vlaams-brabant"}),
    "luik": frozenset({"limburg", "vlaams-brabant"}),
    "namen": frozenset({"vlaams-brabant"}),
    "luxemburg": frozenset(),
}


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


def distance_tier(home_province: str, office_province: str) -> int:
    """0 same province, 1 neighbouring province, 2 further away: the order offers are shown in."""
    if office_province == home_province:
        return 0
    if office_province in NEIGHBOURS.get(home_province, frozenset()):
        return 1
    return 2
