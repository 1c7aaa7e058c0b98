"""Booking a block of guidance: find free slots, hold one, confirm it, cancel or move it.

Every public method of BookingService is one database transaction that it opens and commits
itself, so a booking is either complete (status, ledger debit, SMS in the outbox, audit line) or
not there at all. The parts it is made of live next to it:
- queries.py: the database questions (free slots, claims, a booking by reference);
- ledger.py: the credit's balance, debits and refunds, and the single loopbaancheque;
- checks.py: refusals before anything changes, and the reading of inputs;
- views.py: the frozen views handed out (SlotOffer, BookingView, CancelResult);
- references.py, clock.py: booking references, and "now" in Brussels time;
- texts.py: every sentence a citizen reads.

Concurrency, in short (details in the Booking model and in `confirm`):
- a slot is claimed by inserting a booking; the partial unique index on active bookings lets
  only one insert per slot win, whatever the number of simultaneous requests;
- confirming locks the booking row, then the person's credit account row, always in that order,
  so two confirmations can neither both spend the same hours nor deadlock.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import verwijzing.booking.figures as figures
import verwijzing.booking.ledger as ledger
import verwijzing.booking.queries as queries
import verwijzing.booking.texts as texts
from verwijzing.booking.checks import (
    check_bookable,
    check_owner,
    citizen_key_of,
    parse_channel,
    parse_modality,
    parse_phone,
)
from verwijzing.booking.errors import (
    BookingNotFound,
    ChequeAlreadyUsed,
    HoldExpired,
    IdempotencyConflict,
    InvalidInput,
    NotYourBooking,
    SlotNotFound,
    SlotUnavailable,
    TooLateToReschedule,
    WrongStatus,
)
from verwijzing.booking.ledger import refund_due
from verwijzing.booking.references import (
    unused_reference,
)
from verwijzing.booking.views import (
    BookingView,
    CancelResult,
    SlotOffer,
    offer_of,
    place_of,
    view_of,
)
from verwijzing.config import reference_now, settings
from verwijzing.enums import BookingStatus, Channel, Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.ics import booking_invite
from verwijzing.notify.phone import can_receive_sms
from verwijzing.notify.sms import queue_sms
from verwijzing.places.postcodes import UnknownPostcode, province_of
from verwijzing.privacy.audit import record_audit
from verwijzing.store.engine import make_engine, make_sessionmaker
from verwijzing.store.models import Booking, ChequeUse, CreditAccount, Slot

DEFAULT_HOLD_TIME = dt.timedelta(minutes=10)
_CLAIM_ATTEMPTS = 5


class BookingService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        pepper: bytes | str | None = None,
        hold_time: dt.timedelta = DEFAULT_HOLD_TIME,
        free_cancellation: dt.timedelta | None = None,
        clock: Callable[[], dt.datetime] = reference_now,
    ):
        self._sessions = sessions
        self._pepper = pepper
        self.hold_time = hold_time
        # The policy's window on the day the service starts (a process lives days, not years).
        self.free_cancellation = free_cancellation or figures.free_cancellation(clock().date())
        self._clock = clock

    @classmethod
    def from_settings(cls, database_url: str | None = None) -> BookingService:
        config = settings()
        engine = make_engine(database_url or config.database_url)
        return cls(make_sessionmaker(engine), pepper=config.insz_pepper,
                   hold_time=dt.timedelta(minutes=config.hold_minutes))

    # ---- finding ---------------------------------------------------------------------------

    def free_slots(
        self,
        near_postcode: str | None,
        modality: Modality | str,
        day_from: dt.date,
        limit: int = 3,
        *,
        now: dt.datetime | None = None,
        language: str | None = None,
    ) -> list[SlotOffer]:
        """The first `limit` free slots from `day_from` on, never before `now`.

        op_locatie: counsellors in the postcode's province first (Brussels is its own), then
        neighbouring provinces, then the rest; earliest first within each. online / telefoon:
        anyone, earliest first. Only counsellors whose mandate and beroepskwalificatie are both
        valid on the slot's date."""
        now = self._now(now)
        modality = parse_modality(modality)
        home = None
        if modality is Modality.OP_LOCATIE:
            if not near_postcode:
                raise InvalidInput(texts.ASK_POSTCODE)
            try:
                home = province_of(near_postcode)
            except UnknownPostcode as error:
                raise InvalidInput(str(error)) from None
        statement = queries.free_slots_statement(modality, day_from, now, limit, home=home, language=language)
        with self._read() as session:
            return [offer_of(slot, modality) for slot in session.scalars(statement).unique()]

    def close(self) -> None:
        """Release the database connections (a process that made the service ends with this)."""
        engine = self._sessions.kw.get("bind")
        if engine is not None:
            engine.dispose()

    def ping(self) -> None:
        """Raises when the database does not answer (for health checks)."""
        with self._read() as session:
            session.execute(select(1))

    def show(self, reference: str) -> BookingView | None:
        with self._read() as session:
            booking = queries.find(session, reference)
            return view_of(booking) if booking else None

    def remaining_hours(
        self, *, insz: str | None = None, citizen_key: str | None = None, day: dt.date | None = None
    ) -> int | float | None:
        """Hours of credit left; a person who never booked has the whole credit of `day`.
        None when the regime in force on `day` has no credit (the transitional loopbaancheque:
        its hours are not settled), so there is nothing to count."""
        key = self._citizen_key(insz, citizen_key)
        day = day or self._now(None).astimezone(BRUSSELS).date()
        if not figures.uses_credit(day):
            return None
        with self._read() as session:
            if session.get(CreditAccount, key) is None:
                return figures.hours(figures.credit_minutes(day))
            return figures.hours(ledger.balance(session, key))

    def cheque_used(self, *, insz: str | None = None, citizen_key: str | None = None) -> bool:
        """Whether the person has a confirmed booking on a transitional loopbaancheque."""
        key = self._citizen_key(insz, citizen_key)
        with self._read() as session:
            return ledger.has_used_cheque(session, key)

    def invite(self, reference: str) -> bytes:
        """The .ics calendar invite of a booking."""
        with self._read() as session:
            booking = queries.find(session, reference)
            if booking is None:
                raise BookingNotFound(texts.NO_SUCH_BOOKING)
            view = view_of(booking)
            return booking_invite(
                reference=view.reference,
                starts_at=view.starts_at,
                ends_at=view.ends_at,
                counsellor=view.counsellor,
                location=view.location,
                stamp=booking.confirmed_at or booking.created_at,
                sequence=queries.times_moved(session, booking.reference),
            )

    # ---- changing --------------------------------------------------------------------------

    def hold(
        self,
        slot_id: int,
        channel: Channel | str,
        idempotency_key: str,
        *,
        modality: Modality | str,
        now: dt.datetime | None = None,
    ) -> BookingView:
        """Hold a slot for `hold_time`, giving it a reference. A repeated call with the same
        idempotency key returns the same booking instead of making a second one."""
        now = self._now(now)
        channel, modality = parse_channel(channel), parse_modality(modality)
        if not idempotency_key or len(idempotency_key) > 100:
            raise InvalidInput("idempotency key must be 1 to 100 characters")
        for _ in range(_CLAIM_ATTEMPTS):
            try:
                with self._sessions.begin() as session:
                    existing = queries.by_idempotency_key(session, idempotency_key)
                    if existing is not None:
                        return _replay(existing, slot_id, modality)
                    slot = session.get(Slot, slot_id)
                    if slot is None:
                        raise SlotNotFound(texts.NO_SUCH_SLOT)
                    check_bookable(slot, modality, now)
                    queries.expire_holds(session, now, slot_id=slot.id)
                    if session.scalar(select(queries.claimed(slot.id, now))):
                        raise SlotUnavailable(texts.SLOT_TAKEN)
                    booking = Booking(
                        reference=unused_reference(session),
                        slot=slot,
                        status=BookingStatus.HELD.value,
                        channel=channel.value,
                        modality=modality.value,
                        idempotency_key=idempotency_key,
                        created_at=now,
                        held_until=now + self.hold_time,
                    )
                    session.add(booking)
                    session.flush()
                    record_audit(
                        session, actor=channel.value, action="hold", subject=booking.reference,
                        detail={"slot_id": slot.id, "modality": modality.value}, at=now,
                    )
                    return view_of(booking)
            except IntegrityError:
                # Lost a race: the same request retried in parallel, or another request took the
                # slot between our check and our insert. Look again with fresh eyes.
                with self._read() as session:
                    existing = queries.by_idempotency_key(session, idempotency_key)
                    if existing is not None:
                        return _replay(existing, slot_id, modality)
                    if session.scalar(select(queries.claimed(slot_id, now))):
                        raise SlotUnavailable(texts.SLOT_TAKEN) from None
                # Neither: a reference collided, or the other transaction rolled back. Try again.
        raise SlotUnavailable(texts.SLOT_TAKEN)

    def confirm(
        self,
        reference: str,
        *,
        insz: str | None = None,
        citizen_key: str | None = None,
        phone: str | None = None,
        now: dt.datetime | None = None,
    ) -> BookingView:
        """Turn a hold into a booking, in one transaction. Under a regime with a credit (the
        loopbaankrediet) it debits one block from the person's credit; under the transitional
        loopbaancheque it records the use of the person's single cheque and leaves the credit
        alone, and a person who already used one gets ChequeAlreadyUsed (the held moment is then
        given back). Confirming again (a retry) returns the booking without a second debit.

        The national number is only turned into the citizen key here and then forgotten. A hold
        that ran out can still be confirmed as long as nobody else claimed the slot meanwhile
        (anyone who does first marks it "expired")."""
        now = self._now(now)
        key = self._citizen_key(insz, citizen_key)
        number = parse_phone(phone)
        try:
            return self._confirm(reference, key, number, now)
        except ChequeAlreadyUsed:
            self._give_back(reference, now, why=ChequeAlreadyUsed.code)
            raise

    def _confirm(self, reference: str, key: str, number: str | None, now: dt.datetime) -> BookingView:
        with self._sessions.begin() as session:
            booking = queries.find(session, reference, lock=True)
            if booking is None:
                raise BookingNotFound(texts.NO_SUCH_BOOKING)
            if booking.status == BookingStatus.CONFIRMED:
                if booking.citizen_key != key:
                    raise NotYourBooking(texts.CONFIRMED_BY_SOMEONE_ELSE)
                return view_of(booking)
            if booking.status == BookingStatus.EXPIRED:
                raise HoldExpired(texts.HOLD_EXPIRED)
            if booking.status != BookingStatus.HELD:
                raise WrongStatus(_status_words(booking))
            if booking.slot.starts_at <= now:
                raise SlotUnavailable(texts.HELD_SLOT_PASSED)
            day = booking.slot.day
            used: dict[str, Any]
            if figures.uses_credit(day):
                used = {"minutes": ledger.debit_block(session, key, booking.reference, day, now)}
            else:
                used = {"cheque": ledger.use_cheque(session, key, booking.reference, day, now)}
            booking.status = BookingStatus.CONFIRMED.value
            booking.confirmed_at = now
            booking.citizen_key = key
            sms = number is not None and can_receive_sms(number)
            # Kept only for an SMS about this booking (a move, a cancellation), and cleared by
            # the retention sweep once the session is over.
            booking.phone = number if sms else None
            view = view_of(booking, sms_queued=sms)
            if sms:
                place = place_of(booking)
                if "minutes" in used:
                    body = texts.confirmation_sms(view.reference, view.starts_at, view.counsellor, view.modality,
                                                  place, self.free_cancellation)
                else:
                    body = texts.cheque_confirmation_sms(view.reference, view.starts_at, view.counsellor,
                                                         view.modality, place)
                queue_sms(session, to=number, at=now, booking_reference=booking.reference, body=body)
            record_audit(
                session, actor=booking.channel, action="confirm", subject=booking.reference,
                detail={**used, "sms": sms}, at=now,
            )
            return view

    def _give_back(self, reference: str, now: dt.datetime, *, why: str) -> None:
        """Cancel a hold that can never be confirmed, so its moment is free again at once."""
        with self._sessions.begin() as session:
            booking = queries.find(session, reference, lock=True)
            if booking is None or booking.status != BookingStatus.HELD:
                return
            booking.status = BookingStatus.CANCELLED.value
            booking.cancelled_at = now
            record_audit(session, actor="system", action="cancel", subject=booking.reference,
                         detail={"refunded_minutes": 0, "was_confirmed": False, "reason": why}, at=now)

    def cancel(
        self, reference: str, now: dt.datetime | None = None, *, actor: str | None = None,
        owner_key: str | None = None,
    ) -> CancelResult:
        """Cancel a hold or a booking. At least `free_cancellation` before the start, the block's
        hours go back to the credit; later, they do not, and the result says so. With
        `owner_key` (a citizen asking), only the person who confirmed the booking may cancel it."""
        now = self._now(now)
        with self._sessions.begin() as session:
            booking = queries.find(session, reference, lock=True)
            if booking is None:
                raise BookingNotFound(texts.NO_SUCH_BOOKING)
            check_owner(booking, owner_key)
            on_cheque = not figures.uses_credit(booking.slot.day)
            if booking.status == BookingStatus.CANCELLED:  # a retry: report what happened then
                if on_cheque and booking.confirmed_at is not None:
                    return CancelResult(view_of(booking), 0, texts.CHEQUE_RELEASED)
                refunded = ledger.refunded_minutes(session, booking.reference)
                return CancelResult(
                    view_of(booking), figures.hours(refunded),
                    texts.cancel_message(refunded, self.free_cancellation, booking.confirmed_at is not None),
                )
            if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
                raise WrongStatus(_status_words(booking))
            was_confirmed = booking.status == BookingStatus.CONFIRMED
            if was_confirmed and booking.slot.starts_at <= now:
                raise WrongStatus(texts.TOO_LATE_TO_CANCEL)
            refund = 0
            if was_confirmed and on_cheque:
                # No source says a cancelled cheque appointment costs the cheque (domain.md has no
                # rule on late cancellation), so the cheque is free again, whenever they cancel.
                session.execute(delete(ChequeUse).where(ChequeUse.booking_reference == booking.reference))
            elif was_confirmed and refund_due(booking.slot.starts_at, now, self.free_cancellation):
                refund = ledger.refund_booking(session, booking.citizen_key, booking.reference,
                                               booking.slot.day, now)
            booking.status = BookingStatus.CANCELLED.value
            booking.cancelled_at = now
            if booking.phone:
                queue_sms(session, to=booking.phone, at=now, booking_reference=booking.reference,
                          body=texts.cancelled_sms(booking.reference, refund))
                booking.phone = None
            record_audit(
                session, actor=actor or booking.channel, action="cancel", subject=booking.reference,
                detail={"refunded_minutes": refund, "was_confirmed": was_confirmed}, at=now,
            )
            if was_confirmed and on_cheque:
                return CancelResult(view_of(booking), 0, texts.CHEQUE_RELEASED)
            return CancelResult(
                view_of(booking), figures.hours(refund),
                texts.cancel_message(refund, self.free_cancellation, was_confirmed),
            )

    def reschedule(
        self,
        reference: str,
        new_slot_id: int,
        now: dt.datetime | None = None,
        *,
        actor: str | None = None,
        owner_key: str | None = None,
    ) -> BookingView:
        """Move a hold or booking to another slot, atomically: the booking keeps its reference
        and its debit; the old slot is free and the new one taken in the same commit, or nothing
        changes. A confirmed booking can only move while it could still be cancelled with a
        refund; otherwise moving would be a free late cancellation. `owner_key` as for cancel."""
        now = self._now(now)
        try:
            with self._sessions.begin() as session:
                booking = queries.find(session, reference, lock=True)
                if booking is None:
                    raise BookingNotFound(texts.NO_SUCH_BOOKING)
                check_owner(booking, owner_key)
                if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
                    raise WrongStatus(_status_words(booking))
                confirmed = booking.status == BookingStatus.CONFIRMED
                if confirmed and not refund_due(booking.slot.starts_at, now, self.free_cancellation):
                    raise TooLateToReschedule(texts.too_late_to_move(self.free_cancellation))
                if booking.slot_id == new_slot_id:
                    return view_of(booking)
                new_slot = session.get(Slot, new_slot_id)
                if new_slot is None:
                    raise SlotNotFound(texts.NO_SUCH_SLOT)
                modality = Modality(booking.modality)
                check_bookable(new_slot, modality, now)
                queries.expire_holds(session, now, slot_id=new_slot.id)
                if session.scalar(select(queries.claimed(new_slot.id, now))):
                    raise SlotUnavailable(texts.SLOT_TAKEN)
                old_slot_id = booking.slot_id
                if confirmed:
                    ledger.check_same_regime_kind(booking.slot.day, new_slot.day)
                    if figures.uses_credit(new_slot.day):
                        ledger.settle_block_change(session, booking, booking.slot.day, new_slot.day, now)
                booking.slot = new_slot
                if not confirmed:
                    booking.held_until = now + self.hold_time
                session.flush()
                view = view_of(booking, sms_queued=bool(booking.phone))
                if booking.phone:
                    queue_sms(
                        session, to=booking.phone, at=now, booking_reference=booking.reference,
                        body=texts.moved_sms(view.reference, view.starts_at, view.counsellor,
                                             view.modality, place_of(booking)),
                    )
                record_audit(
                    session, actor=actor or booking.channel, action="reschedule",
                    subject=booking.reference,
                    detail={"from_slot_id": old_slot_id, "to_slot_id": new_slot.id}, at=now,
                )
                return view
        except IntegrityError:
            # Someone claimed the new slot between our check and our update.
            raise SlotUnavailable(texts.SLOT_TAKEN) from None

    def mark_attended(self, reference: str, *, actor: str, now: dt.datetime | None = None) -> BookingView:
        """Staff record that the session took place (it must have started)."""
        now = self._now(now)
        with self._sessions.begin() as session:
            booking = queries.find(session, reference, lock=True)
            if booking is None:
                raise BookingNotFound(texts.NO_SUCH_BOOKING)
            if booking.status != BookingStatus.CONFIRMED or booking.slot.starts_at > now:
                raise WrongStatus(_status_words(booking))
            booking.status = BookingStatus.ATTENDED.value
            booking.phone = None
            record_audit(session, actor=actor, action="attended", subject=booking.reference, at=now)
            return view_of(booking)

    def expire_holds(self, now: dt.datetime | None = None) -> int:
        """Mark every hold that ran out as expired (tidiness; claiming paths do it per slot)."""
        now = self._now(now)
        with self._sessions.begin() as session:
            return queries.expire_holds(session, now)

    # ---- helpers ---------------------------------------------------------------------------

    def _now(self, now: dt.datetime | None) -> dt.datetime:
        moment = now or self._clock()
        if moment.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return moment

    def _citizen_key(self, insz: str | None, citizen_key: str | None) -> str:
        return citizen_key_of(insz, citizen_key, self._pepper)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session


def _replay(existing: Booking, slot_id: int, modality: Modality) -> BookingView:
    """The booking an earlier call with the same idempotency key made, if it asked the same."""
    if existing.slot_id != slot_id or existing.modality != modality.value:
        raise IdempotencyConflict("idempotency key reused for a different slot or modality")
    return view_of(existing)


def _status_words(booking: Booking) -> str:
    return texts.STATUS_WORDS[BookingStatus(booking.status)]
