"""What a counsellor sees of their own agenda: their moments from now on, which are booked (by
reference and way of working, never who), and which booked ones their hours no longer give."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from verwijzing.counsellors.availability import moments
from verwijzing.counsellors.hours import block_of, hours
from verwijzing.enums import ACTIVE_STATUSES, BookingStatus
from verwijzing.nl_be import BRUSSELS
from verwijzing.store.models import Booking, Slot


@dataclass(frozen=True)
class AgendaLine:
    slot_id: int
    starts_at: dt.datetime  # Brussels
    ends_at: dt.datetime
    booked: str | None  # the booking's reference
    status: str | None  # held / confirmed
    modality: str | None  # the booking's, or None when free
    location: str | None
    outside_hours: bool  # booked, but the counsellor's hours no longer give this moment


def agenda(session: Session, counsellor_id: int, now: dt.datetime, weeks: int) -> list[AgendaLine]:
    today = now.astimezone(BRUSSELS).date()
    last_day = today + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    rows = session.execute(
        select(Slot, Booking)
        .outerjoin(Booking, (Booking.slot_id == Slot.id) & Booking.status.in_([s.value for s in ACTIVE_STATUSES]))
        .where(Slot.counsellor_id == counsellor_id, Slot.ends_at > now, Slot.day <= last_day)
        # The booking's own eager (inner) join to its slot would make the outer join an inner one.
        .options(lazyload(Booking.slot))
        .order_by(Slot.starts_at)).all()
    own = hours(session, counsellor_id)
    has_hours = bool(own.weekly or own.overrides)
    given = {(m.starts_at, m.ends_at) for m in moments(own, today, last_day, block_of)} if has_hours else set()
    lines = []
    for slot, booking in rows:
        held_out = booking is not None and booking.status == BookingStatus.HELD.value and booking.held_until <= now
        active = booking if booking is not None and not held_out else None
        if active is None and slot.withdrawn:
            continue
        lines.append(AgendaLine(
            slot.id, slot.starts_at.astimezone(BRUSSELS), slot.ends_at.astimezone(BRUSSELS),
            active.reference if active else None, active.status if active else None,
            active.modality if active else None, slot.location,
            outside_hours=active is not None and has_hours and (slot.starts_at, slot.ends_at) not in given))
    return lines


@dataclass(frozen=True)
class BookedSession:
    reference: str
    starts_at: dt.datetime  # Brussels
    ends_at: dt.datetime
    modality: str
    started: bool


# Sessions older than this are no longer offered to record (VDAB sorts those out).
RECORD_WITHIN = dt.timedelta(days=60)


def sessions_to_record(session: Session, counsellor_id: int, now: dt.datetime) -> list[BookedSession]:
    """The counsellor's confirmed bookings: those that started (to record as held or no-show) and
    those still to come (to call off), earliest first."""
    rows = session.execute(
        select(Booking.reference, Booking.modality, Slot.starts_at, Slot.ends_at).join(Slot, Slot.id == Booking.slot_id)
        .where(Slot.counsellor_id == counsellor_id, Booking.status == BookingStatus.CONFIRMED.value,
               Slot.starts_at > now - RECORD_WITHIN)
        .order_by(Slot.starts_at)).all()
    return [BookedSession(reference, starts_at.astimezone(BRUSSELS), ends_at.astimezone(BRUSSELS), modality,
                          starts_at <= now) for reference, modality, starts_at, ends_at in rows]
