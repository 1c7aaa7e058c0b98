"""Free-text interpreters: what Flemish citizens type → the contract's fact values.

Every reader is a pure function of the text (plus the reference date where time matters).
`asked=True` means the assistant just asked for this very fact, so a bare answer ("12",
"ja", "Geel") may be taken as the answer; with asked=False only clearly marked mentions count
("ik ben 24", "werk sinds 2 jaar", "ik woon in Geel").
"""
from verwijzing.interpret.age import read_leeftijd
from verwijzing.interpret.combined import (
    FIELDS,
    TEXT_FIELDS,
    Inference,
    Reading,
    corrects_itself,
    is_story,
    read_all,
    read_text,
)
from verwijzing.interpret.education import read_opleidingsniveau
from verwijzing.interpret.experience import read_werkervaring_jaren
from verwijzing.interpret.hulpvraag import read_hulpvraag
from verwijzing.interpret.modality import read_modaliteit
from verwijzing.interpret.numbers import parse_dutch_number
from verwijzing.interpret.place_names import (
    Municipality,
    province_of_postcode,
    region_of_postcode,
)
from verwijzing.interpret.question import looks_like_question
from verwijzing.interpret.region import find_municipality, read_postcode, read_woonregio
from verwijzing.interpret.werkstatus import read_ambtenaar, read_werkstatus
from verwijzing.interpret.yesno import read_ja_nee

__all__ = [
    "FIELDS",
    "TEXT_FIELDS",
    "corrects_itself",
    "is_story",
    "Inference",
    "Reading",
    "read_text",
    "Municipality",
    "find_municipality",
    "looks_like_question",
    "parse_dutch_number",
    "read_ambtenaar",
    "province_of_postcode",
    "read_all",
    "read_ja_nee",
    "read_leeftijd",
    "read_modaliteit",
    "read_opleidingsniveau",
    "read_postcode",
    "read_hulpvraag",
    "read_werkervaring_jaren",
    "read_werkstatus",
    "read_woonregio",
    "region_of_postcode",
]
