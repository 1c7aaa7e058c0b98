"""How far apart two Belgian postcodes are: the distance between their municipalities' centres.

The precision is the municipality (data/postcode_coordinates_be.tsv, Statbel and GeoNames; see
scripts/build_postcode_coordinates.py), which is what a person can check: "in Gent, ongeveer
12 km van je". Straight-line kilometres, not travel time: the data ship no roads, and the person
is told it is "ongeveer".
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from functools import cache

from verwijzing.places import table_rows
from verwijzing.places.postcodes import UnknownPostcode, parse_postcode, province_of

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG): the error is far below a municipality's size


@dataclass(frozen=True)
class Place:
    """A postcode's municipality and where its centre lies."""

    postcode: str
    municipality: str
    latitude: float
    longitude: float


@cache
def _places() -> tuple[list[int], list[Place]]:
    rows = sorted(table_rows("postcode_coordinates_be"), key=lambda row: int(row["postcode"]))
    places = [Place(row["postcode"], row["gemeente"], float(row["latitude"]), float(row["longitude"])) for row in rows]
    return [int(place.postcode) for place in places], places


def place_of(postcode: str | int) -> Place | None:
    """The municipality of a Belgian postcode. A postcode the table lacks (a PO box, a company's
    own code: 1099, 9099) takes the nearest listed one in its province, since postcodes are given
    out by area; None when the postcode is not Belgian."""
    try:
        code = parse_postcode(postcode)
        province = province_of(code)
    except UnknownPostcode:
        return None
    codes, places = _places()
    index = bisect.bisect_left(codes, code)
    if index < len(codes) and codes[index] == code:
        return places[index]
    around = [places[i] for i in (index - 1, index) if 0 <= i < len(codes)]
    same = [place for place in around if province_of(place.postcode) == province]
    if not same:
        return None
    return min(same, key=lambda place: abs(int(place.postcode) - code))


def km_between(a: Place, b: Place) -> float:
    """The great-circle distance (haversine) between two municipalities' centres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
