"""Holds that ran out are expired; the demo agenda is kept four weeks ahead, on a demo database only."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from worker_helpers import (
    BLOCK,
    BOOKED_AT,
    at,
    booking,
    counsellor,
    service,
    slot,
    worker_jobs,
)

from verwijzing.demo import counsellors as demo
from verwijzing.enums import BookingStatus
from verwijzing.store.models import Slot


def test_a_hold_that_ran_out_is_expired_and_a_running_one_is_kept(sessions):
    els = counsellor(sessions)
    old = service(sessions, BOOKED_AT).hold(slot(sessions, els, BLOCK), "web", "a", modality="online").reference
    young = service(sessions, BOOKED_AT + dt.timedelta(minutes=5)).hold(
        slot(sessions, els, at(4, 13, 30)), "web", "b", modality="online").reference

    jobs = worker_jobs(sessions, BOOKED_AT + dt.timedelta(minutes=11))  # the default hold is 10 minutes
    assert jobs["holds"].run() == {"expired": 1}
    assert jobs["holds"].run() == {"expired": 0}
    assert booking(sessions, old).status == BookingStatus.EXPIRED
    assert booking(sessions, young).status == BookingStatus.HELD


def _slots_until(sessions, last_day: dt.date) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Slot).where(Slot.day <= last_day)) or 0


def _last_slot_day(sessions) -> dt.date | None:
    with sessions() as session:
        return session.scalar(select(func.max(Slot.day)))


def test_the_demo_agenda_stays_four_weeks_ahead(sessions):
    with sessions.begin() as session:
        demo.seed_demo(session, dt.date(2027, 3, 1))
    assert _last_slot_day(sessions) < dt.date(2027, 3, 29)

    a_week_later = worker_jobs(sessions, at(8, 7))["demo-agenda"]
    added = a_week_later.run()["slots_added"]
    assert added > 0
    assert a_week_later.run() == {"slots_added": 0}  # idempotent
    assert _last_slot_day(sessions) >= dt.date(2027, 4, 2)  # the Friday four weeks after 8 March


def test_no_slot_is_invented_in_a_database_that_is_not_the_demo(sessions):
    """Real counsellors, even one who happens to share a demo counsellor's name and office."""
    first = demo.register_entries()[0]
    counsellor(sessions, first.name, first.office_postcode)
    counsellor(sessions, "Els Wouters", "9000")

    assert worker_jobs(sessions, at(8, 7))["demo-agenda"].run() == {"slots_added": 0}
    assert _slots_until(sessions, dt.date(2028, 1, 1)) == 0
