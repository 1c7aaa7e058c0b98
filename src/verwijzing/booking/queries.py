"""The database questions booking asks: free slots, claims on a slot, a booking by reference.

Plain functions over a session the caller opened (BookingService owns the transactions). The
claim test is the same in SQL (`claimed`) as the unique index on active bookings enforces.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, contains_eager

from verwijzing.booking.references import normalise_reference
from verwijzing.enums import BookingStatus, Modality
from verwijzing.store.models import (
    AuditEntry,
    Booking,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    Slot,
)


def counsellor_filter(modality: Modality, language: str | None, wheelchair: bool) -> list[Any]:
    """SQL: the counsellor works in `modality`, speaks `language` (None: any), and has a
    wheelchair-accessible office when `wheelchair` is asked for a meeting at their office."""
    conditions: list[Any] = [exists().where(
        CounsellorModality.counsellor_id == Counsellor.id, CounsellorModality.modality == modality.value)]
    if language:
        conditions.append(exists().where(
            CounsellorLanguage.counsellor_id == Counsellor.id, CounsellorLanguage.language == language))
    if wheelchair and modality is Modality.OP_LOCATIE:
        conditions.append(Counsellor.wheelchair_access.is_(True))
    return conditions


def offices(session: Session, modality: Modality, language: str | None, wheelchair: bool) -> list[tuple[int, str]]:
    """(id, office postcode) of the counsellors who could be offered: the rings of `matching`."""
    statement = select(Counsellor.id, Counsellor.office_postcode).where(
        *counsellor_filter(modality, language, wheelchair))
    return [(row.id, row.office_postcode) for row in session.execute(statement)]


def free_slots_statement(
    modality: Modality, day_from: dt.date, now: dt.datetime, limit: int, *,
    counsellors: frozenset[int] | None = None, language: str | None = None, wheelchair: bool = False,
) -> Any:
    """The first `limit` unclaimed slots from `day_from` on, never before `now`, of counsellors
    valid on the slot's day who pass `counsellor_filter` and are among `counsellors` (None:
    any); earliest first.

    Ordered by start time alone first, so that the database walks the index on `starts_at` and
    stops at `limit` (a sort on anything else first would read every moment of every counsellor:
    180,000 rows for 2,000 counsellors over 8 weeks). The order by distance is a search per ring
    (`matching.rings`), not a sort."""
    order: list[Any] = [Slot.starts_at, Counsellor.name, Slot.id]
    statement = (
        select(Slot)
        .join(Slot.counsellor)
        .options(contains_eager(Slot.counsellor))
        .where(
            Slot.day >= day_from,
            Slot.starts_at > now,
            offered(now),
            counsellor_valid_on(Slot.day),
            *counsellor_filter(modality, language, wheelchair),
            or_(Slot.modalities.is_(None), Slot.modalities.contains(f",{modality.value},")),
            ~claimed(Slot.id, now),
        )
        .order_by(*order)
        .limit(limit)
    )
    if counsellors is not None:
        statement = statement.where(Counsellor.id.in_(sorted(counsellors)))
    return statement


def offered(now: dt.datetime) -> Any:
    """SQL: the moment is still in the counsellor's hours and may still be booked at `now` (the
    counsellor's shortest notice has not passed)."""
    return and_(Slot.withdrawn.is_(False), or_(Slot.bookable_until.is_(None), Slot.bookable_until > now))


def counsellor_valid_on(day: Any) -> Any:
    """SQL: the counsellor's mandate and beroepskwalificatie are both valid on `day`."""
    return and_(
        Counsellor.mandate_valid_from <= day,
        or_(Counsellor.mandate_valid_to.is_(None), Counsellor.mandate_valid_to >= day),
        Counsellor.beroepskwalificatie_valid_from.is_not(None),
        Counsellor.beroepskwalificatie_valid_from <= day,
        or_(
            Counsellor.beroepskwalificatie_valid_to.is_(None),
            Counsellor.beroepskwalificatie_valid_to >= day,
        ),
    )


def claimed(slot_id: Any, now: dt.datetime) -> Any:
    """An active claim: a confirmed booking or a hold that has not run out."""
    return exists().where(
        Booking.slot_id == slot_id,
        or_(
            Booking.status == BookingStatus.CONFIRMED.value,
            and_(Booking.status == BookingStatus.HELD.value, Booking.held_until > now),
        ),
    )


def expire_holds(session: Session, now: dt.datetime, slot_id: int | None = None) -> int:
    statement = update(Booking).where(
        Booking.status == BookingStatus.HELD.value, Booking.held_until <= now
    )
    if slot_id is not None:
        statement = statement.where(Booking.slot_id == slot_id)
    # Session.execute is typed as returning a Result; an UPDATE's is a CursorResult, which has the
    # row count (SQLAlchemy's documented way to read it under typing is this cast).
    result = cast(CursorResult[Any], session.execute(
        statement.values(status=BookingStatus.EXPIRED.value),
        execution_options={"synchronize_session": False},
    ))
    return result.rowcount or 0


def find(session: Session, reference: str, *, lock: bool = False) -> Booking | None:
    statement = select(Booking).where(Booking.reference == normalise_reference(reference))
    if lock:
        statement = statement.with_for_update(of=Booking)
    return session.scalar(statement)


def by_idempotency_key(session: Session, key: str) -> Booking | None:
    return session.scalar(select(Booking).where(Booking.idempotency_key == key))


def audit_count(session: Session, reference: str, action: str) -> int:
    """How often `action` was recorded about the booking (e.g. a national number that did not match)."""
    return session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.subject == reference, AuditEntry.action == action)
    ) or 0


def times_moved(session: Session, reference: str) -> int:
    """How often the booking was rescheduled (the .ics invite's SEQUENCE)."""
    return audit_count(session, reference, "reschedule")
