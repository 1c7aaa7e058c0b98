"""The demo data: spread, variety, deliberate non-bookable counsellors, idempotence, CLI hooks."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from booking_helpers import CITIZEN, BRUSSELS
from verwijzing.booking import BookingService, figures
from verwijzing.booking.geo import FLEMISH_PROVINCES
from verwijzing.demo import DEMO_WEEKS, belgian_holidays, booking_show, seed_demo, seed_demo_command
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
