"""Which counsellors a person is offered: in their language, and near where they live.

Pure: the service reads the counsellors' office postcodes, `rings` groups them by distance, and
the free-moment query searches ring by ring, earliest first within a ring. A person then gets a
moment close by rather than the earliest one anywhere, and can follow why ("ongeveer 8 km van je").
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale

from verwijzing.places.distance import Place, km_between, place_of

# Sessions are in Dutch unless the person asks for another language (an ISO 639-1 code, as the
# register's `talen` column): the credit is a Flemish measure, and Dutch is its language.
DEFAULT_LANGUAGE = "nl"
# The languages a person or a consulent can ask a session in: Dutch, then those most asked for at
# VDAB's counters. Their Dutch names come from babel (CLDR), for the console and the chat alike.
ASKABLE_LANGUAGES = (DEFAULT_LANGUAGE, "fr", "en", "de", "ar", "tr", "pl", "ro", "es", "it", "pt", "ru", "uk")


def language_name(code: str) -> str:
    """The Dutch name of a language, as Dutch writes it in a sentence ("frans", "arabisch")."""
    return str(Locale("nl").languages.get(code, code)).lower()


# The rings' outer edges in km. Not policy (no source says how far a person should travel): a
# design choice, so that within about a quarter of an hour's drive the earliest moment wins, and
# beyond it the nearer one does.
RINGS_KM = (10, 25, 50, 100)


@dataclass(frozen=True)
class Ring:
    """The counsellors of one ring, with each one's distance in whole km (0: the same municipality;
    -1: not known)."""

    km: dict[int, int]

    @property
    def counsellors(self) -> frozenset[int]:
        return frozenset(self.km)


def rings(home: Place, offices: Iterable[tuple[int, str]]) -> list[Ring]:
    """The counsellors (id, office postcode) by distance from `home`: one ring per edge of
    RINGS_KM and one beyond, nearest first, empty rings left out. An office postcode the data
    do not know is counted as farthest (it cannot be said to be near)."""
    grouped: list[dict[int, int]] = [{} for _ in range(len(RINGS_KM) + 2)]
    for counsellor, postcode in offices:
        office = place_of(postcode)
        if office is None:
            grouped[-1][counsellor] = -1
            continue
        km = km_between(home, office)
        ring = next((i for i, edge in enumerate(RINGS_KM) if km <= edge), len(RINGS_KM))
        # 0 says "the same municipality", so two neighbours' centres 400 m apart are still 1 km.
        grouped[ring][counsellor] = 0 if office.municipality == home.municipality else max(1, round(km))
    return [Ring(km) for km in grouped if km]
