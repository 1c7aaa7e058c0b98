"""The demo data: spread, variety, deliberate non-bookable counsellors, idempotence, CLI hooks."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from booking_helpers import BRUSSELS, CITIZEN
from sqlalchemy import select

from verwijzing.booking import BookingService, figures
from verwijzing.demo.counsellors import (
    DEMO_WEEKS,
    belgian_holidays,
    booking_show,
    seed_demo,
    seed_demo_command,
    top_up_demo,
)
from verwijzing.places.postcodes import FLEMISH_PROVINCES
from verwijzing.store import Counsellor, Slot, make_sessionmaker

START = dt.date(2027, 4, 26)  # a Monday; 1 May and Ascension (6 May) fall in the four weeks
NOW = dt.datetime.combine(START, dt.time(7, 0), BRUSSELS)


@pytest.fixture
def seeded(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        assert seed_demo(session, START) == 40
    return sessions


def test_spread_and_variety(seeded):
    with seeded() as session:
        counsellors = session.scalars(select(Counsellor)).all()
        slots = session.scalars(select(Slot)).all()
    provinces = Counter(c.province for c in counsellors)
    assert set(provinces) == set(FLEMISH_PROVINCES) | {"brussel"}
    assert min(provinces.values()) >= 5
    assert {c.region for c in counsellors} == {"VLG", "BRU"}
    assert len({c.name for c in counsellors}) == 40
    modalities = Counter(m for c in counsellors for m in c.modality_set)
    assert min(modalities.values()) >= 5 and len(modalities) == 3
    assert len({lang for c in counsellors for lang in c.language_set}) >= 4
    assert all("nl" in c.language_set for c in counsellors)
    # Slots: working days of four weeks, no holidays, each one block long.
    days = {s.day for s in slots}
    assert min(days) >= START and max(days) < START + dt.timedelta(weeks=DEMO_WEEKS)
    assert all(day.weekday() < 5 for day in days)
    assert not days & belgian_holidays(START.year)
    assert dt.date(2027, 5, 6) not in days and dt.date(2027, 5, 7) in days
    assert all(s.ends_at - s.starts_at == dt.timedelta(minutes=figures.agenda_block_minutes(s.day)) for s in slots)
    assert len(slots) > 1500


def test_some_counsellors_are_deliberately_not_bookable(seeded):
    with seeded() as session:
        counsellors = session.scalars(select(Counsellor)).all()
    end = START + dt.timedelta(weeks=DEMO_WEEKS)
    never = [c for c in counsellors
             if (c.mandate_valid_to and c.mandate_valid_to < START)
             or c.beroepskwalificatie_valid_from is None
             or c.beroepskwalificatie_valid_from > end]
    partly = [c for c in counsellors
              if (c.mandate_valid_to and START <= c.mandate_valid_to < end) or c.mandate_valid_from > START]
    assert len(never) >= 3 and len(partly) >= 2
    service = BookingService(seeded, pepper=b"p")
    offered = set()
    for modality in ("op_locatie", "online", "telefoon"):
        for postcode in ("2000", "3500", "8000", "9000", "3000", "1000"):
            for day in range(0, 28, 3):
                for offer in service.free_slots(postcode, modality, START + dt.timedelta(days=day),
                                                limit=40, now=NOW):
                    offered.add((offer.counsellor, offer.starts_at.date()))
    assert not {name for name, _ in offered} & {c.name for c in never}
    for c in partly:
        days = [day for name, day in offered if name == c.name]
        assert all(c.mandate_valid_from <= day and (c.mandate_valid_to is None or day <= c.mandate_valid_to)
                   for day in days)


def test_seeding_twice_does_nothing(seeded):
    with seeded.begin() as session:
        assert seed_demo(session, START) == 0
    with seeded() as session:
        assert len(session.scalars(select(Counsellor)).all()) == 40


def test_cli_hooks(db, database_url):
    assert seed_demo_command(database_url, START) == 40
    assert seed_demo_command(database_url, START) == 0
    service = BookingService(make_sessionmaker(db), pepper=b"p")
    offer = service.free_slots("9000", "op_locatie", START, now=NOW)[0]
    held = service.hold(offer.slot_id, "web", "demo", modality="op_locatie", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    shown = booking_show(database_url, held.reference)
    assert shown == {
        "reference": held.reference, "status": "confirmed", "counsellor": offer.counsellor,
        "start": offer.starts_at.isoformat(), "end": offer.ends_at.isoformat(),
        "channel": "web", "modality": "op_locatie",
    }
    assert dt.datetime.fromisoformat(shown["start"]).utcoffset() == dt.timedelta(hours=2)  # CEST
    assert booking_show(database_url, "LK-2222") is None


def test_booking_show_on_a_database_without_tables(tmp_path):
    assert booking_show(f"sqlite:///{tmp_path / 'empty.db'}", "LK-2222") is None


# --- topping up an old database -------------------------------------------------------------

FIRST = dt.date(2026, 11, 27)  # the database was seeded on this reference date ...
LATER = dt.date(2027, 3, 1)  # ... and `make run` starts again on this one, a Monday


def _working_days(start: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=n) for n in range(DEMO_WEEKS * 7)]
    return [d for d in days if d.weekday() < 5 and d not in belgian_holidays(d.year)]


def test_an_old_database_gets_four_weeks_of_free_slots_after_the_new_reference_date(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        assert seed_demo(session, FIRST) == 40
    service = BookingService(sessions, pepper=b"p")
    early = dt.datetime.combine(FIRST, dt.time(7), BRUSSELS)
    first_offer = service.free_slots("9000", "op_locatie", FIRST, now=early)[0]
    held = service.hold(first_offer.slot_id, "web", "old", modality="op_locatie",
                        now=dt.datetime.combine(FIRST, dt.time(7), BRUSSELS))
    with sessions() as session:
        before = {(s.id, s.counsellor_id, s.starts_at, s.ends_at) for s in session.scalars(select(Slot))}
    now = dt.datetime.combine(LATER, dt.time(7), BRUSSELS)
    assert not service.free_slots(None, "online", LATER, now=now)  # what people saw: nothing

    with sessions.begin() as session:
        assert seed_demo(session, LATER) == 0  # no new counsellors ...
    with sessions() as session:
        after = {(s.id, s.counsellor_id, s.starts_at, s.ends_at) for s in session.scalars(select(Slot))}
        assert len(session.scalars(select(Counsellor)).all()) == 40
    assert before < after  # ... only slots added; none changed or removed, the held one neither
    assert service.show(held.reference).status == "held"

    for day in _working_days(LATER):
        for modality, postcode in (("op_locatie", "9000"), ("op_locatie", "3500"), ("online", None),
                                   ("telefoon", None)):
            offers = service.free_slots(postcode, modality, day, limit=1, now=now)
            assert offers and offers[0].starts_at.date() == day, (day, modality, postcode)

    with sessions.begin() as session:
        assert top_up_demo(session, LATER) == 0  # seeding again adds nothing
        assert seed_demo(session, LATER) == 0
    with sessions() as session:
        starts = [(s.counsellor_id, s.starts_at) for s in session.scalars(select(Slot))]
    assert len(starts) == len(set(starts)) == len(after)


def test_topping_up_keeps_the_deliberately_unbookable_counsellors_relative_to_the_new_date(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        seed_demo(session, FIRST)
    with sessions.begin() as session:
        seed_demo(session, LATER)
    end = LATER + dt.timedelta(weeks=DEMO_WEEKS)
    with sessions() as session:
        counsellors = session.scalars(select(Counsellor)).all()
    never = [c for c in counsellors
             if (c.mandate_valid_to and c.mandate_valid_to < LATER)
             or c.beroepskwalificatie_valid_from is None
             or c.beroepskwalificatie_valid_from > end]
    partly = [c for c in counsellors
              if (c.mandate_valid_to and LATER <= c.mandate_valid_to < end) or c.mandate_valid_from > LATER]
    assert len(never) >= 3 and len(partly) >= 2
    service = BookingService(sessions, pepper=b"p")
    now = dt.datetime.combine(LATER, dt.time(7), BRUSSELS)
    offered = {(o.counsellor, o.starts_at.date())
               for modality in ("op_locatie", "online", "telefoon")
               for day in range(0, 28, 3)
               for o in service.free_slots("2000", modality, LATER + dt.timedelta(days=day), limit=40, now=now)}
    assert not {name for name, _ in offered} & {c.name for c in never}
    assert {name for name, _ in offered} & {c.name for c in partly}  # bookable on part of the weeks


def test_a_moved_date_never_invalidates_an_active_booking(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        seed_demo(session, FIRST)
        late_starter = session.scalars(select(Counsellor).where(Counsellor.mandate_valid_from > FIRST)).one()
        modality = sorted(late_starter.modality_set)[0]
        first_day = session.scalars(
            select(Slot).where(Slot.counsellor_id == late_starter.id, Slot.day >= late_starter.mandate_valid_from)
            .order_by(Slot.starts_at)
        ).first()
        slot_id, slot_day = first_day.id, first_day.day
    service = BookingService(sessions, pepper=b"p")
    now = dt.datetime.combine(FIRST, dt.time(7), BRUSSELS)
    held = service.hold(slot_id, "web", "late", modality=modality, now=now)
    service.confirm(held.reference, insz=CITIZEN, now=now)
    with sessions.begin() as session:
        seed_demo(session, FIRST + dt.timedelta(days=7))  # would move the mandate's start past it
    with sessions() as session:
        assert session.get(Counsellor, late_starter.id).mandate_valid_from <= slot_day
