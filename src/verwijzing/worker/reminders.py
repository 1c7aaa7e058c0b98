"""A reminder SMS the day before a block.

Due (pure, `reminder_day`): during the sending hours (10 to 20 h, Brussels: no SMS at night),
for the blocks of tomorrow (Brussels date). Only confirmed bookings that still keep a phone
number (the booking clears it when cancelled, attended or over), that were confirmed before
today (someone who booked today just read the confirmation), and whose current slot has not had
its reminder yet. Opted-out numbers (STOP) are refused by the outbox dispatcher, as every SMS.

Once: the booking is marked with the slot the reminder was about (`reminded_slot_id`) in the
transaction that queues the SMS. Rows are claimed with FOR UPDATE SKIP LOCKED, so two workers
never queue the same reminder (on SQLite, BEGIN IMMEDIATE makes them take turns).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.booking.texts import MODALITY_WORDS, when
from verwijzing.booking.views import place_of
from verwijzing.enums import BookingStatus, Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.sms import queue_sms
from verwijzing.store.models import Booking, Slot

NAME = "reminders"
SEND_FROM = dt.time(10, 0)
SEND_UNTIL = dt.time(20, 0)
BATCH = 200


def reminder_day(now: dt.datetime) -> dt.date | None:
    """The day whose blocks get their reminder now: tomorrow in Brussels, during the sending
    hours; None outside them."""
    local = now.astimezone(BRUSSELS)
    if not SEND_FROM <= local.time() < SEND_UNTIL:
        return None
    return local.date() + dt.timedelta(days=1)


def start_of_day(now: dt.datetime) -> dt.datetime:
    """Midnight of `now`'s day in Brussels."""
    return dt.datetime.combine(now.astimezone(BRUSSELS).date(), dt.time(0), BRUSSELS)


def reminder_sms(reference: str, starts_at: dt.datetime, counsellor: str, modality: Modality,
                 place: str | None) -> str:
    """Plain Dutch (B1): when, with whom, where, the reference, and how to cancel. Nothing about
    hours coming back: whether they do depends on the hour of cancelling (the confirmation and
    the cancellation itself say it)."""
    where = f"{MODALITY_WORDS[modality]} ({place})" if place else MODALITY_WORDS[modality]
    return (
        f"Herinnering: morgen heb je een afspraak voor loopbaanbegeleiding. Dat is {when(starts_at)}, "
        f"met {counsellor}, {where}. Referentie: {reference}. Kan je niet komen? Antwoord dan op "
        f"deze sms met: annuleer {reference}"
    )


def due_bookings(day: dt.date, now: dt.datetime, limit: int) -> Select[Booking]:
    return (
        select(Booking)
        .join(Booking.slot)
        .where(
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.phone.is_not(None),
            Booking.confirmed_at < start_of_day(now),
            Slot.day == day,
            Slot.starts_at > now,
            or_(Booking.reminded_slot_id.is_(None), Booking.reminded_slot_id != Booking.slot_id),
        )
        .order_by(Booking.id)
        .limit(limit)
        .with_for_update(of=Booking, skip_locked=True)
    )


def queue_reminders(sessions: sessionmaker[Session], now: dt.datetime, batch: int = BATCH) -> dict[str, int]:
    """Queue the reminders due at `now`, a batch per transaction; returns how many."""
    day = reminder_day(now)
    if day is None:
        return {"queued": 0}
    queued = 0
    while True:
        with sessions.begin() as session:
            bookings = session.scalars(due_bookings(day, now, batch)).unique().all()
            for booking in bookings:
                if booking.phone is None:  # never: due_bookings selects only bookings with a phone
                    continue
                slot = booking.slot
                body = reminder_sms(booking.reference, slot.starts_at, slot.counsellor.name,
                                    Modality(booking.modality), place_of(booking))
                queue_sms(session, to=booking.phone, body=body, at=now, booking_reference=booking.reference)
                booking.reminded_slot_id = booking.slot_id
        queued += len(bookings)
        if len(bookings) < batch:
            return {"queued": queued}
