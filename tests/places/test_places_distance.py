"""How far a counsellor's office is from where a person lives: every Belgian postcode has a
municipality with coordinates, the distances are the ones a map gives, and the counsellors fall
into rings nearest first."""
from __future__ import annotations

import pytest

from verwijzing.booking.matching import rings
from verwijzing.places import table_rows
from verwijzing.places.distance import km_between, place_of


def test_every_postcode_of_the_place_names_table_has_coordinates():
    """The two generated tables agree: a postcode the booking learns from a place name ("ik woon
    in Melle" → 9090) always has a municipality to measure from."""
    named = {row["postcode"] for row in table_rows("postcodes_be") if row["postcode"]}
    located = {row["postcode"] for row in table_rows("postcode_coordinates_be")}
    assert named and named <= located
    assert all(49.4 < float(r["latitude"]) < 51.6 and 2.5 < float(r["longitude"]) < 6.5
               for r in table_rows("postcode_coordinates_be"))  # inside Belgium


@pytest.mark.parametrize("a, b, km", [
    ("9000", "2000", 51),  # Gent - Antwerpen
    ("1000", "3000", 25),  # Brussel - Leuven
    ("8000", "3500", 151),  # Brugge - Hasselt
    ("9050", "9000", 0),  # Gentbrugge is Gent
])
def test_distances_are_those_of_a_map(a, b, km):
    assert round(km_between(place_of(a), place_of(b))) == km


def test_a_deelgemeente_and_a_code_of_no_municipality_have_a_place():
    assert place_of("9050").municipality == "Gent"
    assert place_of("3717").municipality == "Herstappe"  # borrows a neighbour's coordinates
    assert place_of("1099") is not None and place_of("1099").postcode.startswith("10")
    assert place_of("0999") is None and place_of("abcd") is None


def test_rings_nearest_first_and_the_same_municipality_is_zero():
    home = place_of("9000")
    grouped = rings(home, [(1, "2000"), (2, "9000"), (3, "9820"), (4, "8000"), (5, "9100"), (6, "0000")])
    # Gent, Merelbeke-Melle | Brugge, Sint-Niklaas | Antwerpen | an office the data do not know
    assert [ring.km for ring in grouped] == [{2: 0, 3: 7}, {4: 39, 5: 32}, {1: 51}, {6: -1}]
