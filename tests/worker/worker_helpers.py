"""Builders for the worker tests: counsellors, slots, bookings made through the real booking
service, and Rasa's events table (a uniquely named module, see tests/booking/booking_helpers.py)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.support.database import valid_insz
from verwijzing.booking import BookingService, figures
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify import LocalOutboxSender, OutboxDispatcher
from verwijzing.places.postcodes import province_of, region_of
from verwijzing.store import (
    Booking,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    OutboxMessage,
    Slot,
)
from verwijzing.worker.jobs import WorkerSetup, build_jobs
from verwijzing.worker.schedule import Job

PEPPER = b"test-pepper-not-secret"
SECRET = b"test-channel-secret-not-for-production"
PHONE = "+32470123456"


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3, year: int = 2027) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


# Monday 1 March 2027 (loopbaankrediet): bookings are made then; the block is on Thursday 4 March.
BOOKED_AT = at(1, 8)
BLOCK = at(4, 9)

# Rasa's SQL tracker store table, as rasa.core.tracker_store.SQLTrackerStore.SQLEvent makes it.
EVENTS = sa.Table("events", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("sender_id", sa.String(255), nullable=False, index=True),
                  sa.Column("type_name", sa.String(255), nullable=False), sa.Column("timestamp", sa.Float),
                  sa.Column("intent_name", sa.String(255)), sa.Column("action_name", sa.String(255)),
                  sa.Column("data", sa.Text))


def counsellor(sessions: sessionmaker[Session], name: str = "Els Wouters", postcode: str = "9000") -> int:
    with sessions.begin() as session:
        row = Counsellor(
            name=name, mandate_valid_from=dt.date(2020, 1, 1), beroepskwalificatie_valid_from=dt.date(2020, 1, 1),
            office_postcode=postcode, province=province_of(postcode), region=region_of(postcode),
            modalities=[CounsellorModality(modality=m) for m in ("op_locatie", "online", "telefoon")],
            languages=[CounsellorLanguage(language="nl")],
        )
        session.add(row)
        session.flush()
        return row.id


def slot(sessions: sessionmaker[Session], counsellor_id: int, starts_at: dt.datetime) -> int:
    block = dt.timedelta(minutes=figures.agenda_block_minutes(starts_at.date()))
    with sessions.begin() as session:
        row = Slot(counsellor_id=counsellor_id, day=starts_at.astimezone(BRUSSELS).date(), starts_at=starts_at,
                   ends_at=starts_at + block)
        session.add(row)
        session.flush()
        return row.id


def service(sessions: sessionmaker[Session], now: dt.datetime = BOOKED_AT) -> BookingService:
    return BookingService(sessions, pepper=PEPPER, clock=lambda: now)


def book(sessions: sessionmaker[Session], slot_id: int, n: int = 1, *, phone: str | None = PHONE,
         modality: str = "op_locatie", now: dt.datetime = BOOKED_AT) -> str:
    """A confirmed booking through the booking service (its confirmation SMS queued when a phone is given)."""
    bookings = service(sessions, now)
    held = bookings.hold(slot_id, "web", f"idem-{slot_id}-{n}", modality=modality, now=now)
    insz = valid_insz(dt.date(1980, 1, 1) + dt.timedelta(days=n), 1 + n % 900)
    bookings.confirm(held.reference, insz=insz, phone=phone, now=now)
    return held.reference


def outbox(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def reminders(sessions: sessionmaker[Session]) -> list[OutboxMessage]:
    return [m for m in outbox(sessions) if m.body.startswith("Herinnering")]


def booking(sessions: sessionmaker[Session], reference: str) -> Booking:
    with sessions() as session:
        return session.scalars(select(Booking).where(Booking.reference == reference)).one()


def worker_jobs(sessions: sessionmaker[Session], now: dt.datetime, *, phone: LocalOutboxSender | None = None,
                wall: dt.datetime | None = None, abandoned_days: int = 30) -> dict[str, Job]:
    """The worker's own jobs on this database, at a fixed time, with a sender that keeps what it gets."""
    setup = WorkerSetup(sessions=sessions, dispatcher=OutboxDispatcher(sessions, phone or LocalOutboxSender(), SECRET),
                        abandoned_days=abandoned_days, clock=lambda: now, wall=lambda: wall or now)
    return {job.name: job for job in build_jobs(setup)}
