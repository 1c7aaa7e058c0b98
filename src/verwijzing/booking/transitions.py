"""A booking's changes of state, each inside the caller's transaction (BookingService opens it).

Each function gets the booking row already locked, does everything the change needs — status,
ledger or cheque, SMS in the outbox, audit line — and returns what the caller hands out. Nothing
here commits, so a change is complete or not there at all.
"""
from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import verwijzing.booking.figures as figures
import verwijzing.booking.ledger as ledger
import verwijzing.booking.queries as queries
import verwijzing.booking.texts as texts
from verwijzing.booking.checks import check_bookable
from verwijzing.booking.counsellor_notices import BOOKED, CANCELLED, MOVED, notify_counsellor
from verwijzing.booking.errors import (
    HoldExpired,
    NotYourBooking,
    SlotNotFound,
    SlotUnavailable,
    TooLateToReschedule,
    WrongStatus,
)
from verwijzing.booking.ledger import refund_due
from verwijzing.booking.views import BookingView, CancelResult, place_of, view_of
from verwijzing.enums import BookingStatus, LedgerReason, Modality
from verwijzing.notify.phone import can_receive_sms
from verwijzing.notify.sms import queue_sms
from verwijzing.privacy.audit import record_audit
from verwijzing.store.models import Booking, ChequeUse, Slot


def confirm_held(
    session: Session, booking: Booking, key: str, number: str | None, now: dt.datetime,
    free_cancellation: dt.timedelta,
) -> BookingView:
    """Turn a hold into a booking: the credit's block (or the single cheque), the phone for its
    SMS, the confirmation SMS and the audit line. A confirmed booking of the same person is
    returned as it is (a retry)."""
    if booking.status == BookingStatus.CONFIRMED:
        if booking.citizen_key != key:
            raise NotYourBooking(texts.CONFIRMED_BY_SOMEONE_ELSE)
        return view_of(booking)
    if booking.status == BookingStatus.EXPIRED:
        raise HoldExpired(texts.HOLD_EXPIRED)
    if booking.status != BookingStatus.HELD:
        raise WrongStatus(status_words(booking))
    if booking.slot.starts_at <= now:
        raise SlotUnavailable(texts.HELD_SLOT_PASSED)
    day = booking.slot.day
    used: dict[str, Any]
    if figures.uses_credit(day):
        used = {"minutes": ledger.reserve_block(session, key, booking.reference, day, now)}
    else:
        used = {"cheque": ledger.use_cheque(session, key, booking.reference, day, now)}
    booking.status = BookingStatus.CONFIRMED.value
    booking.confirmed_at = now
    booking.citizen_key = key
    sms = number is not None and can_receive_sms(number)
    # Kept only for an SMS about this booking (a move, a cancellation), and cleared by the
    # retention sweep once the session is over.
    booking.phone = number if sms else None
    view = view_of(booking, sms_queued=sms)
    if number is not None and sms:
        place = place_of(booking)
        if "minutes" in used:
            body = texts.confirmation_sms(view.reference, view.starts_at, view.counsellor, view.modality, place)
        else:
            body = texts.cheque_confirmation_sms(view.reference, view.starts_at, view.counsellor, view.modality,
                                                 place)
        queue_sms(session, to=number, at=now, booking_reference=booking.reference, body=body)
    record_audit(session, actor=booking.channel, action="confirm", subject=booking.reference,
                 detail={**used, "sms": sms}, at=now)
    notify_counsellor(session, booking, BOOKED, now)
    return view


def give_back(session: Session, booking: Booking, now: dt.datetime, *, actor: str, why: str) -> bool:
    """Cancel a hold that will not be confirmed, so its moment is free again at once. False when
    it is no hold any more (confirmed by a retry meanwhile, already gone): nothing changes."""
    if booking.status != BookingStatus.HELD:
        return False
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = now
    record_audit(session, actor=actor, action="cancel", subject=booking.reference,
                 detail={"refunded_minutes": 0, "was_confirmed": False, "reason": why}, at=now)
    return True


def cancel(
    session: Session, booking: Booking, now: dt.datetime, *, actor: str | None, free_cancellation: dt.timedelta
) -> CancelResult:
    """Cancel a hold or a booking. At least `free_cancellation` before the start the block's
    hours go back to the credit; later they do not, and the result says so. A booking cancelled
    before (a retry) reports what happened then."""
    on_cheque = not figures.uses_credit(booking.slot.day)
    if booking.status == BookingStatus.CANCELLED:
        if on_cheque and booking.confirmed_at is not None:
            return CancelResult(view_of(booking), 0, texts.cheque_released(booking.reference))
        refunded = ledger.refunded_minutes(session, booking.reference)
        return CancelResult(view_of(booking), figures.hours(refunded),
                            texts.cancel_message(booking.reference, refunded, free_cancellation,
                                                booking.confirmed_at is not None))
    if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        raise WrongStatus(status_words(booking))
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    if was_confirmed and booking.slot.starts_at <= now:
        raise WrongStatus(texts.TOO_LATE_TO_CANCEL)
    # No source says a cancelled cheque appointment costs the cheque (domain.md has no rule on
    # late cancellation), so the cheque is free again, whenever they cancel.
    refund = _release(session, booking, now, refund=refund_due(booking.slot.starts_at, now, free_cancellation),
                      sms=lambda minutes: texts.cancelled_sms(booking.reference, minutes),
                      actor=actor or booking.channel, detail={})
    if was_confirmed and on_cheque:
        return CancelResult(view_of(booking), 0, texts.cheque_released(booking.reference))
    return CancelResult(view_of(booking), figures.hours(refund),
                        texts.cancel_message(booking.reference, refund, free_cancellation, was_confirmed))


def cancel_for_counsellor(session: Session, booking: Booking, now: dt.datetime, *, why: str) -> int:
    """Cancel a hold or a booking because its counsellor may no longer work on that day (the
    register's import). Not the person's doing: the hours always go back (or the cheque is free
    again), and they get an SMS that says why and how to choose a new moment. Returns the
    minutes given back."""
    said = booking.status == BookingStatus.CONFIRMED  # a hold: its confirmation will say it
    return _release(session, booking, now, refund=True, actor="register", detail={"reason": why},
                    reason=LedgerReason.RELEASE,
                    sms=(lambda minutes: texts.counsellor_gone_sms(booking.reference, booking.slot.starts_at,
                                                                   minutes)) if said else None)


# What a counsellor records about a first session (issue 19).
HELD, NO_SHOW, CALLED_OFF = "gehouden", "niet_opgedaagd", "afgezegd"
IDENTITY_TRIES = 3


@dataclass(frozen=True)
class SessionRecord:
    outcome: str
    recorded: bool  # False: the identity did not match, nothing changed but the audit line
    debited_minutes: int = 0
    released_minutes: int = 0


def record_session(session: Session, booking: Booking, outcome: str, now: dt.datetime, *, counsellor_id: int,
                   citizen_key: str | None = None) -> SessionRecord:
    """The counsellor's record of a booked first session, on their own agenda only:
    - HELD: the person showed their identity card and the counsellor typed its national number;
      its keyed hash (`citizen_key`) must be the booking's. Then the reservation becomes a debit.
      A mismatch is recorded (audit) and changes nothing else; after IDENTITY_TRIES no more tries.
    - NO_SHOW: the reservation is released. What a no-show costs the person is in no source:
      recorded, and nothing is said about it.
    - CALLED_OFF (before the start): cancelled, the hours always go back, and the person gets an
      SMS with how to choose a new moment."""
    if booking.slot.counsellor_id != counsellor_id:
        raise NotYourBooking(texts.NOT_YOUR_SESSION)
    if booking.status != BookingStatus.CONFIRMED:
        raise WrongStatus(status_words(booking))
    actor = f"begeleider:{counsellor_id}"
    started = booking.slot.starts_at <= now
    credit = figures.uses_credit(booking.slot.day)
    if outcome == CALLED_OFF:
        if started:
            raise WrongStatus(texts.ALREADY_STARTED)
        minutes = _release(session, booking, now, refund=True, actor=actor, reason=LedgerReason.RELEASE,
                           detail={"reason": "afgezegd door de begeleider"},
                           sms=lambda given: texts.counsellor_cancelled_sms(booking.reference, booking.slot.starts_at,
                                                                            given))
        return SessionRecord(outcome, True, released_minutes=minutes)
    if not started:
        raise WrongStatus(texts.NOT_STARTED)
    if outcome == NO_SHOW:
        released = 0
        if credit:
            released = ledger.refund_booking(session, booking.citizen_key, booking.reference, booking.slot.day, now,
                                             reason=LedgerReason.RELEASE)
        else:
            session.execute(delete(ChequeUse).where(ChequeUse.booking_reference == booking.reference))
        booking.status = BookingStatus.NO_SHOW.value
        record_audit(session, actor=actor, action="niet_opgedaagd", subject=booking.reference,
                     detail={"released_minutes": released}, at=now)
        return SessionRecord(outcome, True, released_minutes=released)
    if outcome != HELD:
        raise ValueError(f"unknown outcome {outcome!r}")
    if booking.citizen_key is None:
        raise WrongStatus(texts.IDENTITY_UNKNOWN)
    if queries.audit_count(session, booking.reference, "identiteit_klopt_niet") >= IDENTITY_TRIES:
        raise WrongStatus(texts.IDENTITY_TRIES_USED)
    if citizen_key is None or not hmac.compare_digest(citizen_key, booking.citizen_key):
        record_audit(session, actor=actor, action="identiteit_klopt_niet", subject=booking.reference, detail={},
                     at=now)
        return SessionRecord(outcome, False)
    debited = ledger.debit_reserved(session, booking.citizen_key, booking.reference, booking.slot.day, now) \
        if credit else 0
    booking.status = BookingStatus.ATTENDED.value
    record_audit(session, actor=actor, action="gesprek_gehouden", subject=booking.reference,
                 detail={"debited_minutes": debited, "identiteit_gecontroleerd": True}, at=now)
    return SessionRecord(outcome, True, debited_minutes=debited)


def _release(session: Session, booking: Booking, now: dt.datetime, *, refund: bool,
             sms: Callable[[int], str] | None, actor: str, detail: dict[str, Any],
             reason: LedgerReason = LedgerReason.REFUND) -> int:
    """Cancel an active hold or booking: under the cheque its cheque is free again; under the
    credit its block's hours come back when `refund`; `sms(minutes given back)` goes to the phone
    of the booking (then forgotten); the audit trail records it. The minutes given back."""
    was_confirmed = booking.status == BookingStatus.CONFIRMED
    refunded = 0
    if was_confirmed and not figures.uses_credit(booking.slot.day):
        session.execute(delete(ChequeUse).where(ChequeUse.booking_reference == booking.reference))
    elif was_confirmed and refund:
        refunded = ledger.refund_booking(session, booking.citizen_key, booking.reference, booking.slot.day, now,
                                         reason=reason)
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_at = now
    if booking.phone and sms is not None:
        queue_sms(session, to=booking.phone, at=now, booking_reference=booking.reference, body=sms(refunded))
        booking.phone = None
    record_audit(session, actor=actor, action="cancel", subject=booking.reference,
                 detail={"refunded_minutes": refunded, "was_confirmed": was_confirmed, **detail}, at=now)
    if was_confirmed:  # a hold was never announced to the counsellor
        notify_counsellor(session, booking, CANCELLED, now)
    return refunded


def move(
    session: Session, booking: Booking, new_slot_id: int, now: dt.datetime, *, actor: str | None,
    free_cancellation: dt.timedelta, hold_time: dt.timedelta,
) -> BookingView:
    """Move a hold or booking to another slot: it keeps its reference and its debit. A confirmed
    booking can only move while it could still be cancelled with a refund; otherwise moving
    would be a free late cancellation."""
    if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        raise WrongStatus(status_words(booking))
    confirmed = booking.status == BookingStatus.CONFIRMED
    if confirmed and not refund_due(booking.slot.starts_at, now, free_cancellation):
        raise TooLateToReschedule(texts.too_late_to_move(free_cancellation))
    if booking.slot_id == new_slot_id:
        return view_of(booking)
    new_slot = session.get(Slot, new_slot_id)
    if new_slot is None:
        raise SlotNotFound(texts.NO_SUCH_SLOT)
    check_bookable(new_slot, Modality(booking.modality), now)
    queries.expire_holds(session, now, slot_id=new_slot.id)
    if session.scalar(select(queries.claimed(new_slot.id, now))):
        raise SlotUnavailable(texts.SLOT_TAKEN)
    old_slot_id, old_slot = booking.slot_id, booking.slot
    if confirmed:
        ledger.check_same_regime_kind(booking.slot.day, new_slot.day)
        if figures.uses_credit(new_slot.day):
            ledger.settle_block_change(session, booking, booking.slot.day, new_slot.day, now)
    booking.slot = new_slot
    if not confirmed:
        booking.held_until = now + hold_time
    session.flush()
    view = view_of(booking, sms_queued=bool(booking.phone))
    if booking.phone:
        queue_sms(session, to=booking.phone, at=now, booking_reference=booking.reference,
                  body=texts.moved_sms(view.reference, view.starts_at, view.counsellor, view.modality,
                                       place_of(booking)))
    record_audit(session, actor=actor or booking.channel, action="reschedule", subject=booking.reference,
                 detail={"from_slot_id": old_slot_id, "to_slot_id": new_slot.id}, at=now)
    if confirmed:
        session.flush()  # the move's audit line counts in the invitation's SEQUENCE
        if old_slot.counsellor_id != new_slot.counsellor_id:
            notify_counsellor(session, booking, CANCELLED, now, slot=old_slot)
            notify_counsellor(session, booking, BOOKED, now)
        else:
            notify_counsellor(session, booking, MOVED, now)
    return view


def status_words(booking: Booking) -> str:
    return texts.STATUS_WORDS[BookingStatus(booking.status)]
