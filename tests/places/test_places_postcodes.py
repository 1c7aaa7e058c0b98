"""A postcode follows from the municipality (or deelgemeente) a person says they live in, so the
booking does not ask for it again; a name of several places gives no postcode, never a wrong one."""
from __future__ import annotations

import csv
from importlib import resources

import pytest

from verwijzing.interpret import read_postcode
from verwijzing.interpret.place_names import postcode_of_place, region_of_postcode
from verwijzing.places.postcodes import province_of


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("ik woon in Gent", "9000"),
        ("Hallo, ik ben 45 en woon in Antwerpen. Ik werk als bediende.", "2000"),
        ("Ik ben 24 en werk sinds 2 jaar als bediende in Gent", "9000"),
        ("ik woon te Brugge", "8000"),
        ("ik woon in st niklaas", "9100"),  # a short spelling of Sint-Niklaas
        ("ik woon in Gand", "9000"),  # the French name
        ("ik woon in Elsene", "1050"),  # a Brussels commune by its Dutch name
        ("ik woon in Namen", "5000"),  # Wallonia: the postcode still says where
        ("ik woon in Kessel-Lo", "3000"),  # a deelgemeente: its municipality's main postcode
        ("ik woon in 's-Gravenwezel", "2970"),
        ("ik woon in Melle", "9090"),  # merged into Merelbeke-Melle in 2025
        ("ik woon in Neerpelt", "3900"),  # merged into Pelt in 2019
        ("ik woon in Gent, 9040 Sint-Amandsberg", "9040"),  # a postcode they type wins
    ],
)
def test_a_named_place_gives_its_postcode(text, postcode):
    assert read_postcode(text) == postcode


@pytest.mark.parametrize(
    "text",
    [
        "ik woon in Aalst",  # the city (9300) and a village of Sint-Truiden (3800)
        "ik woon in Deurne",  # Antwerpen (2100) and Diest (3290)
        "ik woon in Vorst",  # Brussels (1190) and Laakdal (2430)
        "ik woon in Tielt",  # Tielt (8700) and a village of Tielt-Winge (3390)
    ],
)
def test_a_name_of_several_places_gives_no_postcode(text):
    assert read_postcode(text) is None
    assert read_postcode(text, asked=True) is None


@pytest.mark.parametrize(
    "text",
    [
        "mijn dochter woont in Gent",  # someone else
        "ik ben geboren in Gent",  # not where they live
        "ik woon in Vlaanderen",  # a region: no postcode follows
        "ik woon in Limburg",  # the province, not the town Limbourg near Liège
        "ik woon in Maastricht",  # abroad
        "ik woon in Nederland",
        "ik wil iets anders doen met mijn leven",
        "ik werk daar sinds 2018",
    ],
)
def test_no_postcode_without_a_belgian_place_to_live(text):
    assert read_postcode(text) is None


def test_a_bare_answer_counts_when_the_postcode_was_asked():
    assert read_postcode("geel") is None  # also a colour: needs a cue ...
    assert read_postcode("geel", asked=True) == "2440"  # ... or the question
    assert read_postcode("ik woon in Geel") == "2440"
    assert read_postcode("Kortrjik", asked=True) == "8500"  # a typo, when asked


def test_the_thirteen_flemish_centre_cities_except_ambiguous_aalst():
    cities = {"Antwerpen": "2000", "Brugge": "8000", "Genk": "3600", "Gent": "9000", "Hasselt": "3500",
              "Kortrijk": "8500", "Leuven": "3000", "Mechelen": "2800", "Oostende": "8400",
              "Roeselare": "8800", "Sint-Niklaas": "9100", "Turnhout": "2300"}
    assert {city: postcode_of_place(city) for city in cities} == cities
    assert postcode_of_place("Aalst") is None


def _rows() -> tuple[str, list[dict[str, str]]]:
    text = resources.files("verwijzing").joinpath("places/data/postcodes_be.tsv").read_text("utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    body = (line for line in text.splitlines() if not line.startswith("#"))
    return header, list(csv.DictReader(body, delimiter="\t"))


def test_the_shipped_data_names_its_source_and_licence_and_holds_real_postcodes():
    header, rows = _rows()
    assert "Statbel" in header and "GeoNames" in header and header.count("CC BY 4.0") >= 2
    assert "scripts/build_postcodes.py" in header
    assert len([r for r in rows if r["kind"] == "gemeente"]) >= 565  # every municipality, nl and fr
    for row in rows:
        if row["postcode"]:
            province_of(row["postcode"])  # raises for anything that is not a Belgian postcode
            assert region_of_postcode(row["postcode"]) is not None
        else:
            assert row["kind"] == "dubbelzinnig" and " | " in row["candidates"], row


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("ik woon in Heusden-Zolder", "3550"),  # not a GeoNames name: from the Statbel list
        ("ik woon in Heuvelland", "8950"),
        ("Ik werk in een winkel in Malle", "2390"),
    ],
)
def test_municipalities_missing_from_geonames_are_known_too(text, postcode):
    assert read_postcode(text) == postcode


@pytest.mark.parametrize("text", ["ik werk in de boom", "ik werk in de hal", "ik ga graven in de tuin"])
def test_an_ordinary_word_is_no_place(text):
    assert read_postcode(text) is None


def test_where_the_job_is_does_not_beat_where_they_live():
    # Asked where they live: the home abroad, not the workplace, so no Belgian postcode.
    assert read_postcode("Maastricht, maar ik werk in Hasselt", asked=True) is None
    assert read_postcode("ik woon in Namen maar werk in Brussel") == "5000"
    # With nothing better, the workplace is near enough for a first meeting.
    assert read_postcode("Ik ben 24 en werk sinds 2 jaar als bediende in Gent") == "9000"
