"""Facts about Belgian places, without reading any message: postcode ranges (postcodes.py), how far
apart two postcodes' municipalities are (distance.py), and the municipality, postcode and
coordinate tables in data/ (GeoNames and Statbel, CC BY 4.0; scripts/build_gemeenten.py,
scripts/build_postcodes.py and scripts/build_postcode_coordinates.py)."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib import resources


def table_rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of data/`name`.tsv (tab-separated, a header, `#` comment lines)."""
    text = resources.files(__package__).joinpath(f"data/{name}.tsv").read_text("utf-8")
    yield from csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
