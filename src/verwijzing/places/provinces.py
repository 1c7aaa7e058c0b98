"""Which provinces lie next to each other: the order of "near me" offers."""
from __future__ import annotations

from verwijzing.places.postcodes import BRUSSEL

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


