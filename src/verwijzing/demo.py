"""Fictional demo data: counsellors across Flanders and Brussels with four weeks of slots.

Everything here is made up (names, offices, mandates); it exists so that the assistant can be
tried and tested without real counsellor data. A few counsellors are deliberately not bookable
(mandate ended, beroepskwalificatie not yet valid or missing, mandate ending or starting within
the four weeks) so that the validity filter is visible in the demo and covered by the tests.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, insert, inspect, select
from sqlalchemy.orm import Session

from verwijzing.booking import figures
from verwijzing.booking.geo import province_of, region_of
from verwijzing.booking.service import BookingService
from verwijzing.booking.texts import BRUSSELS
from verwijzing.store.engine import make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import Counsellor, CounsellorLanguage, CounsellorModality, Modality, Slot

DEMO_WEEKS = 4

# Office postcodes per province (real postcodes, fictional offices); 40 counsellors in all.
_OFFICES = {
    "antwerpen": ("2000", "2018", "2060", "2100", "2300", "2800", "2400", "2500"),
    "oost-vlaanderen": ("9000", "9000", "9100", "9200", "9300", "9700", "9900"),
    "vlaams-brabant": ("3000", "3000", "1800", "1500", "3300", "1700", "3200"),
    "west-vlaanderen": ("8000", "8500", "8400", "8800", "8900", "8700"),
    "limburg": ("3500", "3600", "3700", "3800", "3900", "3630"),
    "brussel": ("1000", "1030", "1050", "1070", "1080", "1200"),
}
_FIRST_NAMES = (
    "Lotte", "Wout", "Sien", "Jef", "Lien", "Pieter-Jan", "Fien", "Bram", "Marie", "Arne",
    "Nele", "Joris", "Hanne", "Stijn", "Elke", "Thijs", "Ine", "Koen", "Griet", "Ruben",
    "An", "Dries", "Leen", "Wim", "Katrien", "Jonas", "Liesbeth", "Tom", "Evi", "Sander",
    "Saar", "Bart", "Hilde", "Lars", "Mieke", "Jens", "Veerle", "Kobe", "Tine", "Seppe",
)
_SURNAMES = (
    "Peeters", "Janssens", "Maes", "Vermeulen", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Verhaegen", "Van den Broeck", "Hermans", "Aerts", "Pauwels",
    "Verhoeven", "Michiels", "De Clercq", "Van Damme", "Verstraete", "Lambrechts",
    "Vandenberghe", "De Backer", "Coppens", "Smets", "Bogaert", "Van Acker", "Martens",
    "Stevens", "Cools", "Vermeiren", "Geerts", "Segers", "Dewitte", "Baert", "Van de Velde",
    "Vanhove", "Desmedt", "Buyse", "Wuyts",
)
_EXTRA_LANGUAGES = ("fr", "en", "de", "ar", "tr", "pl", "es")
# Start times (Brussels) per weekly rhythm; evenings too, because people who work book then.
_RHYTHMS = (
    ((9, 0), (13, 30)),
    ((11, 0), (15, 30), (18, 0)),
    ((9, 0), (13, 30), (15, 30)),
)


def seed_demo(session: Session, start_date: dt.date) -> int:
    """Add the demo counsellors and their slots; does nothing when any counsellor exists.
    Returns the number of counsellors created. The caller commits."""
    if session.scalar(select(func.count()).select_from(Counsellor)):
        return 0
    counsellors = [_counsellor(i, province, postcode, start_date)
                   for i, (province, postcode) in enumerate(_offices())]
    session.add_all(counsellors)
    session.flush()
    days = [start_date + dt.timedelta(days=n) for n in range(DEMO_WEEKS * 7)]
    working = [d for d in days if d.weekday() < 5 and d not in belgian_holidays(d.year)]
    rows: list[dict[str, Any]] = []
    for i, counsellor in enumerate(counsellors):
        for day in working:
            if i % 4 == 1 and day.weekday() == i % 5:
                continue  # part-timers: one weekday off
            block = dt.timedelta(minutes=figures.agenda_block_minutes(day))
            for hour, minute in _RHYTHMS[i % len(_RHYTHMS)]:
                starts = dt.datetime.combine(day, dt.time(hour, minute), BRUSSELS)
                rows.append({
                    "counsellor_id": counsellor.id, "day": day,
                    "starts_at": starts, "ends_at": starts + block,
                })
    session.execute(insert(Slot), rows)
    return len(counsellors)


def seed_demo_command(database_url: str | None, start_date: dt.date) -> int:
    """For the CLI: migrate the database, seed it, commit. Returns the counsellors created."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with make_sessionmaker(engine).begin() as session:
            return seed_demo(session, start_date)
    finally:
        engine.dispose()


def booking_show(database_url: str | None, reference: str) -> dict[str, Any] | None:
    """For `verwijzing booking show REF`: the booking as a dict with ISO datetimes, or None.
    A database without tables has no bookings; it is not migrated by a read."""
    engine = make_engine(database_url)
    try:
        if not inspect(engine).has_table("bookings"):
            return None
        view = BookingService(make_sessionmaker(engine)).show(reference)
        return view.as_dict() if view else None
    finally:
        engine.dispose()


def belgian_holidays(year: int) -> frozenset[dt.date]:
    """The ten legal public holidays of Belgium (no demo slots on those days)."""
    easter = _easter(year)
    return frozenset({
        dt.date(year, 1, 1), easter + dt.timedelta(days=1), dt.date(year, 5, 1),
        easter + dt.timedelta(days=39), easter + dt.timedelta(days=50), dt.date(year, 7, 21),
        dt.date(year, 8, 15), dt.date(year, 11, 1), dt.date(year, 11, 11), dt.date(year, 12, 25),
    })


def _easter(year: int) -> dt.date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _offices() -> list[tuple[str, str]]:
    # Interleave provinces so that the numbering below spreads the special cases around.
    queues = {province: list(codes) for province, codes in _OFFICES.items()}
    result: list[tuple[str, str]] = []
    while any(queues.values()):
        for province, codes in queues.items():
            if codes:
                result.append((province, codes.pop(0)))
    return result


def _counsellor(i: int, province: str, postcode: str, start: dt.date) -> Counsellor:
    assert province_of(postcode) == province, (postcode, province)
    mandate_from = start - dt.timedelta(days=365 * (1 + i % 5))
    mandate_to: dt.date | None = None
    qualified_from: dt.date | None = start - dt.timedelta(days=90)
    if i == 5:
        mandate_to = start - dt.timedelta(days=30)  # mandate ended before the demo period
    elif i == 12:
        qualified_from = start + dt.timedelta(days=60)  # beroepskwalificatie not yet valid
    elif i == 20:
        mandate_to = start + dt.timedelta(days=9)  # mandate ends within the four weeks
    elif i == 27:
        qualified_from = None  # no beroepskwalificatie at all
    elif i == 33:
        mandate_from = start + dt.timedelta(days=14)  # mandate starts within the four weeks
    modalities = {Modality.ONLINE} if i % 9 == 4 else {Modality.OP_LOCATIE}
    if i % 2 == 0:
        modalities.add(Modality.ONLINE)
    if i % 3 == 0:
        modalities.add(Modality.TELEFOON)
    languages = {"nl"}
    if province == "brussel" or i % 5 == 0:
        languages.add("fr")
    if i % 3 == 1:
        languages.add("en")
    if i % 7 == 2:
        languages.add(_EXTRA_LANGUAGES[2 + (i // 7) % (len(_EXTRA_LANGUAGES) - 2)])
    return Counsellor(
        name=f"{_FIRST_NAMES[i % len(_FIRST_NAMES)]} {_SURNAMES[(i * 7) % len(_SURNAMES)]}",
        mandate_valid_from=mandate_from,
        mandate_valid_to=mandate_to,
        beroepskwalificatie_valid_from=qualified_from,
        beroepskwalificatie_valid_to=None,
        office_postcode=postcode,
        province=province,
        region=region_of(postcode),
        modalities=[CounsellorModality(modality=m.value) for m in sorted(modalities)],
        languages=[CounsellorLanguage(language=lang) for lang in sorted(languages)],
    )
