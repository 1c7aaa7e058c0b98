"""Fictional demo data: counsellors across Flanders and Brussels with four weeks of slots.

Everything here is made up (names, offices, mandates); it exists so that the assistant can be
tried and tested without real counsellor data. The counsellors are an ordinary register file,
`mandaatregister.csv` beside this module, imported through the same path as a real one
(`verwijzing counsellors import`, docs/counsellors.md). A few counsellors are deliberately not bookable
(mandate ended, beroepskwalificatie not yet valid or missing, mandate ending or starting within
the four weeks) so that the validity filter is visible in the demo and covered by the tests.

Seeding tops up: `make run` seeds on every start, so an old database gets the slots of the four
weeks after today's reference date too (and the deliberate cases are moved along with it), or
every booking would say "geen vrij moment" once the first four weeks are over.
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from verwijzing.booking import figures
from verwijzing.booking.service import BookingService
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import Entry, read_register
from verwijzing.enums import ACTIVE_STATUSES
from verwijzing.nl_be import BRUSSELS
from verwijzing.store.engine import insert_for, make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import (
    Booking,
    Counsellor,
    Slot,
)

DEMO_WEEKS = 4

# The demo's register: 40 fictional counsellors in every province and Brussels.
REGISTER = Path(__file__).with_name("mandaatregister.csv")
# Start times (Brussels) per weekly rhythm; evenings too, because people who work book then.
_RHYTHMS = (
    ((9, 0), (13, 30)),
    ((11, 0), (15, 30), (18, 0)),
    ((9, 0), (13, 30), (15, 30)),
)


def seed_demo(session: Session, start_date: dt.date) -> int:
    """Add the demo counsellors when the database has no counsellor at all, then top up their
    slots up to `start_date` + four weeks (see top_up_demo). Returns the number of counsellors
    created. The caller commits."""
    created = 0
    if not session.scalar(select(func.count()).select_from(Counsellor)):
        # Only into an empty database: the file is a whole register, and importing it next to
        # real counsellors would take them out of it.
        midnight = dt.datetime.combine(start_date, dt.time(0), BRUSSELS)
        created = import_register(session, register_entries(), midnight, b"").added
        session.flush()
    top_up_demo(session, start_date)
    return created


@cache
def register_entries() -> list[Entry]:
    """The demo register's counsellors, in the file's order (a counsellor's number in it decides
    their weekly rhythm and whether they are one of the deliberate cases)."""
    register = read_register(REGISTER.read_bytes())
    if register.problems:
        raise ValueError(f"{REGISTER.name}: " + "; ".join(str(p) for p in register.problems))
    return register.entries


def top_up_demo(session: Session, start_date: dt.date) -> int:
    """Give the demo counsellors every slot of their weekly rhythm from `start_date` to four
    weeks later that they do not have yet; returns the number of slots added.

    Idempotent (a second run adds nothing), never duplicates a slot (same counsellor and start)
    and never changes or removes a slot, booked or not. Counsellors that are not the demo's own
    (other names or offices) are left alone. The deliberately unbookable counsellors get their
    dates moved along with `start_date`, unless that would invalidate an active booking."""
    demo = _demo_counsellors(session)
    for i, counsellor in demo.items():
        _move_along(session, counsellor, _special_dates(i, start_date))
    end = start_date + dt.timedelta(weeks=DEMO_WEEKS)
    existing = {
        (counsellor_id, starts_at)
        for counsellor_id, starts_at in session.execute(
            select(Slot.counsellor_id, Slot.starts_at).where(
                Slot.counsellor_id.in_([c.id for c in demo.values()]),
                Slot.day >= start_date, Slot.day < end,
            )
        )
    }
    days = [start_date + dt.timedelta(days=n) for n in range(DEMO_WEEKS * 7)]
    working = [d for d in days if d.weekday() < 5 and d not in belgian_holidays(d.year)]
    rows: list[dict[str, Any]] = []
    for i, counsellor in demo.items():
        for day in working:
            if i % 4 == 1 and day.weekday() == i % 5:
                continue  # part-timers: one weekday off
            block = dt.timedelta(minutes=figures.agenda_block_minutes(day))
            for hour, minute in _RHYTHMS[i % len(_RHYTHMS)]:
                starts = dt.datetime.combine(day, dt.time(hour, minute), BRUSSELS)
                if (counsellor.id, starts.astimezone(dt.UTC)) in existing:
                    continue
                rows.append({
                    "counsellor_id": counsellor.id, "day": day,
                    "starts_at": starts, "ends_at": starts + block,
                })
    if rows:
        # ON CONFLICT DO NOTHING: two processes seeding at once both skip what the other added.
        insert = insert_for(session)
        session.execute(insert(Slot).on_conflict_do_nothing(index_elements=["counsellor_id", "starts_at"]), rows)
    return len(rows)


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


def _special_dates(i: int, start: dt.date) -> dict[str, dt.date | None]:
    """The dates that make counsellor `i` deliberately (partly) unbookable, relative to `start`."""
    days = dt.timedelta
    special: dict[int, dict[str, dt.date | None]] = {
        5: {"mandate_valid_to": start - days(30)},  # mandate ended before the demo period
        12: {"beroepskwalificatie_valid_from": start + days(60)},  # qualification not yet valid
        20: {"mandate_valid_to": start + days(9)},  # mandate ends within the four weeks
        27: {"beroepskwalificatie_valid_from": None},  # no beroepskwalificatie at all
        33: {"mandate_valid_from": start + days(14)},  # mandate starts within the four weeks
    }
    return special.get(i, {})


def _demo_counsellors(session: Session) -> dict[int, Counsellor]:
    """The demo's own counsellors in the database, by their number in the demo register. Found by
    name and office, so that a demo database made before the register had mandate numbers is
    topped up too."""
    wanted = {(entry.name, entry.office_postcode): i for i, entry in enumerate(register_entries())}
    found = session.scalars(select(Counsellor).where(Counsellor.name.in_([n for n, _ in wanted])))
    return {wanted[(c.name, c.office_postcode)]: c for c in found if (c.name, c.office_postcode) in wanted}


def _move_along(session: Session, counsellor: Counsellor, dates: dict[str, dt.date | None]) -> None:
    """Set the counsellor's special dates, unless an active booking would become invalid."""
    changes = {k: v for k, v in dates.items() if getattr(counsellor, k) != v}
    if not changes:
        return
    trial = {k: getattr(counsellor, k) for k in (
        "mandate_valid_from", "mandate_valid_to", "beroepskwalificatie_valid_from",
        "beroepskwalificatie_valid_to")} | changes
    booked_days = session.scalars(
        select(Slot.day).join(Booking, Booking.slot_id == Slot.id).where(
            Slot.counsellor_id == counsellor.id,
            Booking.status.in_([s.value for s in ACTIVE_STATUSES]),
        )
    ).all()
    if all(_valid(trial, day) for day in booked_days):
        for name, value in changes.items():
            setattr(counsellor, name, value)


def _valid(dates: dict[str, dt.date | None], day: dt.date) -> bool:
    def within(start: dt.date | None, end: dt.date | None) -> bool:
        return start is not None and start <= day and (end is None or day <= end)

    return within(dates["mandate_valid_from"], dates["mandate_valid_to"]) and within(
        dates["beroepskwalificatie_valid_from"], dates["beroepskwalificatie_valid_to"])
