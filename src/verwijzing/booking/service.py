"""Booking a block of guidance: find free slots, hold one, confirm it, cancel or move it.

Every public method is one database transaction that it opens and commits itself, so a booking
is either complete (status, ledger debit, SMS in the outbox, audit line) or not there at all.
The few decisions that need no database (distance order, refund or not, reference format) are
plain functions at the bottom, tested on their own.

Concurrency, in short (details in the Booking model and in `confirm`):
- a slot is claimed by inserting a booking; the partial unique index on active bookings lets
  only one insert per slot win, whatever the number of simultaneous requests;
- confirming locks the booking row, then the person's credit account row, always in that order,
  so two confirmations can neither both spend the same hours nor deadlock.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, sessionmaker

from verwijzing import insz as insz_module
from verwijzing.booking import figures, texts
from verwijzing.booking.errors import (
    BookingNotFound,
    ChequeAlreadyUsed,
    HoldExpired,
    IdempotencyConflict,
    InsufficientCredit,
    InvalidInput,
    ModalityNotOffered,
    NotYourBooking,
    SlotNotFound,
    SlotUnavailable,
    TooLateToReschedule,
    WrongStatus,
)
from verwijzing.booking.geo import NEIGHBOURS, UnknownPostcode, province_of
from verwijzing.config import settings
from verwijzing.notify.ics import booking_invite
from verwijzing.notify.phone import InvalidPhone, can_receive_sms, normalise_phone
from verwijzing.notify.sms import queue_sms
from verwijzing.policy import load_policy, regime_at
from verwijzing.store.engine import make_engine, make_sessionmaker
from verwijzing.store.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Channel,
    ChequeUse,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    CreditAccount,
    LedgerEntry,
    LedgerReason,
    Modality,
    Slot,
)
from verwijzing.store.records import record_audit

BRUSSELS = texts.BRUSSELS
DEFAULT_HOLD_TIME = dt.timedelta(minutes=10)
# Product choice, not a rule from the sources (domain.md has none on cancelling): refund when
# cancelled at least this long before the start. Kept as a setting next to the hold time.

REFERENCE_PREFIX = "LK-"
# No 0/O and 1/I: references are read out on the phone and typed from an SMS.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 4
_CLAIM_ATTEMPTS = 5
_CITIZEN_KEY = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class SlotOffer:
    slot_id: int
    counsellor: str
    starts_at: dt.datetime  # Europe/Brussels
    ends_at: dt.datetime
    modality: Modality
    province: str
    office_postcode: str
    languages: tuple[str, ...]

    @property
    def label(self) -> str:
        """One line to show in a numbered list: "dinsdag 8 december om 9 uur, met …"."""
        place = self.office_postcode if self.modality is Modality.OP_LOCATIE else None
        return texts.offer_label(self.starts_at, self.counsellor, self.modality, place)


@dataclass(frozen=True)
class BookingView:
    reference: str
    status: BookingStatus
    counsellor: str
    starts_at: dt.datetime  # Europe/Brussels
    ends_at: dt.datetime
    channel: Channel
    modality: Modality
    held_until: dt.datetime
    location: str
    sms_queued: bool = False

    @property
    def changeable(self) -> bool:
        """A hold or a confirmed booking can still be cancelled or moved."""
        return self.status in (BookingStatus.HELD, BookingStatus.CONFIRMED)

    def as_dict(self) -> dict[str, Any]:
        """The shape `verwijzing booking show` prints (contract.md)."""
        return {
            "reference": self.reference,
            "status": self.status.value,
            "counsellor": self.counsellor,
            "start": self.starts_at.isoformat(),
            "end": self.ends_at.isoformat(),
            "channel": self.channel.value,
            "modality": self.modality.value,
        }


@dataclass(frozen=True)
class CancelResult:
    booking: BookingView
    refunded_hours: int | float
    message: str  # plain Dutch: what happened to the hours


def reference_now() -> dt.datetime:
    """Now, as the whole stack sees it: VERWIJZING_PEILDATUM moves the day, keeps the hour."""
    real = dt.datetime.now(BRUSSELS)
    override = settings().peildatum_override
    if override is None:
        return real
    return dt.datetime.combine(override, real.timetz())


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
        modality = _modality(modality)
        home = None
        if modality is Modality.OP_LOCATIE:
            if not near_postcode:
                raise InvalidInput("Geef je postcode, dan zoek ik een begeleider in je buurt.")
            try:
                home = province_of(near_postcode)
            except UnknownPostcode as error:
                raise InvalidInput(str(error)) from None
        order: list[Any] = []
        if home is not None:
            order.append(
                case(
                    (Counsellor.province == home, 0),
                    (Counsellor.province.in_(sorted(NEIGHBOURS.get(home, ()))), 1),
                    else_=2,
                )
            )
        order += [Slot.starts_at, Counsellor.name, Slot.id]
        statement = (
            select(Slot)
            .join(Slot.counsellor)
            .options(contains_eager(Slot.counsellor))
            .where(
                Slot.day >= day_from,
                Slot.starts_at > now,
                _counsellor_valid_on(Slot.day),
                exists().where(
                    CounsellorModality.counsellor_id == Counsellor.id,
                    CounsellorModality.modality == modality.value,
                ),
                ~_claimed(Slot.id, now),
            )
            .order_by(*order)
            .limit(limit)
        )
        if language:
            statement = statement.where(
                exists().where(
                    CounsellorLanguage.counsellor_id == Counsellor.id,
                    CounsellorLanguage.language == language,
                )
            )
        with self._read() as session:
            return [_offer(slot, modality) for slot in session.scalars(statement).unique()]

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
            booking = _find(session, reference)
            return _view(booking) if booking else None

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
            return figures.hours(_balance(session, key))

    def cheque_used(self, *, insz: str | None = None, citizen_key: str | None = None) -> bool:
        """Whether the person has a confirmed booking on a transitional loopbaancheque."""
        key = self._citizen_key(insz, citizen_key)
        with self._read() as session:
            return bool(session.scalar(select(exists().where(ChequeUse.citizen_key == key))))

    def invite(self, reference: str) -> bytes:
        """The .ics calendar invite of a booking."""
        with self._read() as session:
            booking = _find(session, reference)
            if booking is None:
                raise BookingNotFound(_no_such_booking(reference))
            moves = session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.subject == booking.reference, AuditEntry.action == "reschedule")
            )
            view = _view(booking)
            return booking_invite(
                reference=view.reference,
                starts_at=view.starts_at,
                ends_at=view.ends_at,
                counsellor=view.counsellor,
                location=view.location,
                stamp=booking.confirmed_at or booking.created_at,
                sequence=moves or 0,
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
        channel, modality = _channel(channel), _modality(modality)
        if not idempotency_key or len(idempotency_key) > 100:
            raise InvalidInput("idempotency key must be 1 to 100 characters")
        for _ in range(_CLAIM_ATTEMPTS):
            try:
                with self._sessions.begin() as session:
                    existing = _by_idempotency_key(session, idempotency_key)
                    if existing is not None:
                        return _replay(existing, slot_id, modality)
                    slot = session.get(Slot, slot_id)
                    if slot is None:
                        raise SlotNotFound("Dat moment bestaat niet (meer). Kies een ander moment.")
                    _check_bookable(slot, modality, now)
                    _expire_holds(session, now, slot_id=slot.id)
                    if session.scalar(select(_claimed(slot.id, now))):
                        raise SlotUnavailable(_taken())
                    booking = Booking(
                        reference=_unused_reference(session),
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
                    return _view(booking)
            except IntegrityError:
                # Lost a race: the same request retried in parallel, or another request took the
                # slot between our check and our insert. Look again with fresh eyes.
                with self._read() as session:
                    existing = _by_idempotency_key(session, idempotency_key)
                    if existing is not None:
                        return _replay(existing, slot_id, modality)
                    if session.scalar(select(_claimed(slot_id, now))):
                        raise SlotUnavailable(_taken()) from None
                # Neither: a reference collided, or the other transaction rolled back. Try again.
        raise SlotUnavailable(_taken())

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
        number = _phone(phone)
        try:
            return self._confirm(reference, key, number, now)
        except ChequeAlreadyUsed:
            self._give_back(reference, now, why=ChequeAlreadyUsed.code)
            raise

    def _confirm(self, reference: str, key: str, number: str | None, now: dt.datetime) -> BookingView:
        with self._sessions.begin() as session:
            booking = _find(session, reference, lock=True)
            if booking is None:
                raise BookingNotFound(_no_such_booking(reference))
            if booking.status == BookingStatus.CONFIRMED:
                if booking.citizen_key != key:
                    raise NotYourBooking("Deze afspraak is al door iemand anders bevestigd.")
                return _view(booking)
            if booking.status == BookingStatus.EXPIRED:
                raise HoldExpired(
                    "Je reservering is verlopen en het moment is intussen weg. Kies een nieuw moment."
                )
            if booking.status != BookingStatus.HELD:
                raise WrongStatus(_status_words(booking))
            if booking.slot.starts_at <= now:
                raise SlotUnavailable("Dat moment is al voorbij. Kies een nieuw moment.")
            day = booking.slot.day
            if figures.uses_credit(day):
                block = _required_block(day)
                _lock_account(session, key, day, now)
                remaining = _balance(session, key)
                if remaining < block:
                    raise InsufficientCredit(texts.not_enough_credit(remaining, block))
                session.add(LedgerEntry(
                    citizen_key=key, minutes=-block, booking_reference=booking.reference,
                    reason=LedgerReason.DEBIT.value, created_at=now,
                ))
                used: dict[str, Any] = {"minutes": block}
            else:
                used = {"cheque": _use_cheque(session, key, booking.reference, day, now)}
            booking.status = BookingStatus.CONFIRMED.value
            booking.confirmed_at = now
            booking.citizen_key = key
            sms = number is not None and can_receive_sms(number)
            # Kept only for an SMS about this booking (a move, a cancellation), and cleared by
            # the retention sweep once the session is over.
            booking.phone = number if sms else None
            view = _view(booking, sms_queued=sms)
            if sms:
                queue_sms(
                    session, to=number, at=now, booking_reference=booking.reference,
                    body=texts.confirmation_sms(
                        view.reference, view.starts_at, view.counsellor, view.modality,
                        _place(booking), self.free_cancellation,
                    ) if "minutes" in used else _cheque_confirmation_sms(view, _place(booking)),
                )
            record_audit(
                session, actor=booking.channel, action="confirm", subject=booking.reference,
                detail={**used, "sms": sms}, at=now,
            )
            return view

    def _give_back(self, reference: str, now: dt.datetime, *, why: str) -> None:
        """Cancel a hold that can never be confirmed, so its moment is free again at once."""
        with self._sessions.begin() as session:
            booking = _find(session, reference, lock=True)
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
            booking = _find(session, reference, lock=True)
            if booking is None:
                raise BookingNotFound(_no_such_booking(reference))
            _check_owner(booking, owner_key)
            on_cheque = not figures.uses_credit(booking.slot.day)
            if booking.status == BookingStatus.CANCELLED:  # a retry: report what happened then
                if on_cheque and booking.confirmed_at is not None:
                    return CancelResult(_view(booking), 0, _cheque_released())
                refunded = _refunded_minutes(session, booking.reference)
                return CancelResult(
                    _view(booking), figures.hours(refunded),
                    texts.cancel_message(refunded, self.free_cancellation, booking.confirmed_at is not None),
                )
            if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
                raise WrongStatus(_status_words(booking))
            was_confirmed = booking.status == BookingStatus.CONFIRMED
            if was_confirmed and booking.slot.starts_at <= now:
                raise WrongStatus("Deze afspraak is al begonnen of voorbij; annuleren kan niet meer.")
            refund = 0
            if was_confirmed and on_cheque:
                # No source says a cancelled cheque appointment costs the cheque (domain.md has no
                # rule on late cancellation), so the cheque is free again, whenever they cancel.
                session.execute(delete(ChequeUse).where(ChequeUse.booking_reference == booking.reference))
            elif was_confirmed and refund_due(booking.slot.starts_at, now, self.free_cancellation):
                refund = _net_debit(session, booking.reference)
                if refund:
                    _lock_account(session, booking.citizen_key, booking.slot.day, now)
                    session.add(LedgerEntry(
                        citizen_key=booking.citizen_key, minutes=refund,
                        booking_reference=booking.reference, reason=LedgerReason.REFUND.value,
                        created_at=now,
                    ))
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
                return CancelResult(_view(booking), 0, _cheque_released())
            return CancelResult(
                _view(booking), figures.hours(refund),
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
                booking = _find(session, reference, lock=True)
                if booking is None:
                    raise BookingNotFound(_no_such_booking(reference))
                _check_owner(booking, owner_key)
                if booking.status not in (BookingStatus.HELD, BookingStatus.CONFIRMED):
                    raise WrongStatus(_status_words(booking))
                confirmed = booking.status == BookingStatus.CONFIRMED
                if confirmed and not refund_due(booking.slot.starts_at, now, self.free_cancellation):
                    raise TooLateToReschedule(
                        f"Verplaatsen kan tot {texts.window_words(self.free_cancellation)} voor je "
                        "afspraak. Die tijd is voorbij."
                    )
                if booking.slot_id == new_slot_id:
                    return _view(booking)
                new_slot = session.get(Slot, new_slot_id)
                if new_slot is None:
                    raise SlotNotFound("Dat moment bestaat niet (meer). Kies een ander moment.")
                modality = Modality(booking.modality)
                _check_bookable(new_slot, modality, now)
                _expire_holds(session, now, slot_id=new_slot.id)
                if session.scalar(select(_claimed(new_slot.id, now))):
                    raise SlotUnavailable(_taken())
                old_slot_id = booking.slot_id
                if confirmed:
                    _check_same_regime_kind(booking.slot.day, new_slot.day)
                    if figures.uses_credit(new_slot.day):
                        _settle_block_change(session, booking, booking.slot.day, new_slot.day, now)
                booking.slot = new_slot
                if not confirmed:
                    booking.held_until = now + self.hold_time
                session.flush()
                view = _view(booking, sms_queued=bool(booking.phone))
                if booking.phone:
                    queue_sms(
                        session, to=booking.phone, at=now, booking_reference=booking.reference,
                        body=texts.moved_sms(view.reference, view.starts_at, view.counsellor,
                                             view.modality, _place(booking)),
                    )
                record_audit(
                    session, actor=actor or booking.channel, action="reschedule",
                    subject=booking.reference,
                    detail={"from_slot_id": old_slot_id, "to_slot_id": new_slot.id}, at=now,
                )
                return view
        except IntegrityError:
            # Someone claimed the new slot between our check and our update.
            raise SlotUnavailable(_taken()) from None

    def mark_attended(self, reference: str, *, actor: str, now: dt.datetime | None = None) -> BookingView:
        """Staff record that the session took place (it must have started)."""
        now = self._now(now)
        with self._sessions.begin() as session:
            booking = _find(session, reference, lock=True)
            if booking is None:
                raise BookingNotFound(_no_such_booking(reference))
            if booking.status != BookingStatus.CONFIRMED or booking.slot.starts_at > now:
                raise WrongStatus(_status_words(booking))
            booking.status = BookingStatus.ATTENDED.value
            booking.phone = None
            record_audit(session, actor=actor, action="attended", subject=booking.reference, at=now)
            return _view(booking)

    def expire_holds(self, now: dt.datetime | None = None) -> int:
        """Mark every hold that ran out as expired (tidiness; claiming paths do it per slot)."""
        now = self._now(now)
        with self._sessions.begin() as session:
            return _expire_holds(session, now)

    # ---- helpers ---------------------------------------------------------------------------

    def _now(self, now: dt.datetime | None) -> dt.datetime:
        moment = now or self._clock()
        if moment.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return moment

    def _citizen_key(self, insz: str | None, citizen_key: str | None) -> str:
        if (insz is None) == (citizen_key is None):
            raise ValueError("give exactly one of insz and citizen_key")
        if citizen_key is not None:
            # Guard against a national number (or anything else) passed as a key: it would be
            # stored in clear.
            if not _CITIZEN_KEY.fullmatch(citizen_key):
                raise ValueError("citizen_key must be the 64 hex digits made by verwijzing.insz.citizen_key")
            return citizen_key
        pepper = self._pepper if self._pepper is not None else settings().insz_pepper
        try:
            return insz_module.citizen_key(insz, pepper)  # type: ignore[arg-type]
        except insz_module.InvalidInsz as error:
            raise InvalidInput(error.reason) from None

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session


# ---- pure decisions ----------------------------------------------------------------------


def refund_due(starts_at: dt.datetime, now: dt.datetime, window: dt.timedelta) -> bool:
    """Cancelled at least `window` before the start (the boundary included)."""
    return starts_at - now >= window


def make_reference(choice: Callable[[str], str] = secrets.choice) -> str:
    return REFERENCE_PREFIX + "".join(choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(raw: str) -> str:
    """"lk-7k3p", "LK 7K3P", "7k3p" → "LK-7K3P" (as people type it back from an SMS)."""
    text = "".join(raw.split()).upper().replace("-", "")
    if text.startswith(REFERENCE_PREFIX[:-1]) and len(text) == REFERENCE_LENGTH + 2:
        text = text[2:]
    return REFERENCE_PREFIX + text


# ---- queries -----------------------------------------------------------------------------


def _counsellor_valid_on(day: Any) -> Any:
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


def _claimed(slot_id: Any, now: dt.datetime) -> Any:
    """An active claim: a confirmed booking or a hold that has not run out."""
    return exists().where(
        Booking.slot_id == slot_id,
        or_(
            Booking.status == BookingStatus.CONFIRMED.value,
            and_(Booking.status == BookingStatus.HELD.value, Booking.held_until > now),
        ),
    )


def _expire_holds(session: Session, now: dt.datetime, slot_id: int | None = None) -> int:
    statement = update(Booking).where(
        Booking.status == BookingStatus.HELD.value, Booking.held_until <= now
    )
    if slot_id is not None:
        statement = statement.where(Booking.slot_id == slot_id)
    result = session.execute(
        statement.values(status=BookingStatus.EXPIRED.value),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0


def _find(session: Session, reference: str, *, lock: bool = False) -> Booking | None:
    statement = select(Booking).where(Booking.reference == normalise_reference(reference))
    if lock:
        statement = statement.with_for_update(of=Booking)
    return session.scalar(statement)


def _check_owner(booking: Booking, owner_key: str | None) -> None:
    # A reference is short enough to guess: a citizen changes a booking only with the same
    # national number (as its keyed hash) that confirmed it.
    if owner_key is not None and booking.citizen_key is not None and booking.citizen_key != owner_key:
        raise NotYourBooking("Deze afspraak hoort bij een ander rijksregisternummer.")


def _by_idempotency_key(session: Session, key: str) -> Booking | None:
    return session.scalar(select(Booking).where(Booking.idempotency_key == key))


def _unused_reference(session: Session) -> str:
    while True:
        reference = make_reference()
        if session.scalar(select(exists().where(Booking.reference == reference))) is False:
            return reference


def _balance(session: Session, key: str) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(LedgerEntry.citizen_key == key)
    ) or 0


def _net_debit(session: Session, reference: str) -> int:
    """Minutes this booking still has taken from the credit (debits minus refunds)."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(
            LedgerEntry.booking_reference == reference
        )
    ) or 0
    return -total


def _refunded_minutes(session: Session, reference: str) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(
            LedgerEntry.booking_reference == reference, LedgerEntry.reason == LedgerReason.REFUND.value
        )
    ) or 0


def _lock_account(session: Session, key: str, day: dt.date, now: dt.datetime) -> None:
    """Make sure the person's account exists and hold its row lock until commit.

    Creating it grants the whole credit once. INSERT … ON CONFLICT DO NOTHING makes a second,
    simultaneous first booking of the same person wait for the first and then find the account
    instead of granting the credit twice. (On SQLite the write lock taken at BEGIN already
    serialises everything; FOR UPDATE is left out of the SQL there.)"""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: drivers do not agree on the rowcount of a skipped insert.
    created = session.execute(
        insert(CreditAccount)
        .values(citizen_key=key, created_at=now)
        .on_conflict_do_nothing(index_elements=["citizen_key"])
        .returning(CreditAccount.citizen_key)
    ).first() is not None
    session.execute(
        select(CreditAccount.citizen_key).where(CreditAccount.citizen_key == key).with_for_update()
    )
    if created:
        session.add(LedgerEntry(
            citizen_key=key, minutes=figures.credit_minutes(day), booking_reference=None,
            reason=LedgerReason.GRANT.value, created_at=now,
        ))
        session.flush()


def _required_block(day: dt.date) -> int:
    block = figures.block_minutes(day)
    if block is None:
        raise LookupError(f"the policy gives a credit but no blok_uren on {day.isoformat()}")
    return block


def _use_cheque(session: Session, key: str, reference: str, day: dt.date, now: dt.datetime) -> str:
    """Record that the person uses the cheque of the regime in force on `day`; returns the
    regime's name. Refuses a second cheque when the policy says one used before excludes.

    The primary key (person, regime) decides between two simultaneous confirmations: PostgreSQL
    makes the second INSERT … ON CONFLICT DO NOTHING wait for the first and then skip; SQLite's
    write lock serialises them anyway."""
    regime = regime_at(day).name
    exclusive = figures.single_cheque_only(day)
    if exclusive and session.scalar(select(exists().where(ChequeUse.citizen_key == key))):
        raise ChequeAlreadyUsed(_cheque_refused())
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    recorded = session.execute(
        insert(ChequeUse)
        .values(citizen_key=key, regime=regime, booking_reference=reference, created_at=now)
        .on_conflict_do_nothing(index_elements=["citizen_key", "regime"])
        .returning(ChequeUse.citizen_key)
    ).first() is not None
    if not recorded and exclusive:
        raise ChequeAlreadyUsed(_cheque_refused())
    return regime


def _check_same_regime_kind(old_day: dt.date, new_day: dt.date) -> None:
    """A confirmed booking keeps what it was confirmed on: a cheque cannot turn into a block of
    credit by moving it past 2026-12-31, nor the other way round."""
    if figures.uses_credit(old_day) == figures.uses_credit(new_day):
        return
    old, new = regime_at(old_day).regime.label, regime_at(new_day).regime.label
    raise SlotUnavailable(
        f"Dat moment valt onder een andere regeling ({new}) dan je afspraak ({old}). "
        "Kies een ander moment, of annuleer je afspraak en maak een nieuwe."
    )


def _cheque_refused() -> str:
    # The rule's own plain-Dutch reason, so the booking says exactly what the decision says.
    reason, _ = load_policy().outcome("al_loopbaancheque")
    return f"{reason} Daarom kan ik deze afspraak niet vastleggen. Het moment is weer vrij."


def _cheque_confirmation_sms(view: BookingView, place: str | None) -> str:
    # The credit's SMS promises hours back on an early cancellation; a cheque has no hours, and
    # cancelling (at any time) leaves the cheque unused.
    where = texts.MODALITY_WORDS[view.modality] + (f" ({place})" if place else "")
    return (
        f"Je afspraak voor loopbaanbegeleiding staat vast: {texts.when(view.starts_at)}, met "
        f"{view.counsellor}, {where}. Referentie: {view.reference}. Kan je niet? Annuleer de "
        "afspraak, dan blijft je loopbaancheque ongebruikt."
    )


def _cheque_released() -> str:
    return "Je afspraak is geannuleerd. Je loopbaancheque is niet gebruikt: je kan een nieuw moment kiezen."


def _settle_block_change(
    session: Session, booking: Booking, old_day: dt.date, new_day: dt.date, now: dt.datetime
) -> None:
    """If the policy's block size differs between the two dates, debit or refund the difference.
    Both dates are under a regime with a credit (see _check_same_regime_kind)."""
    difference = _required_block(new_day) - _required_block(old_day)
    if not difference:
        return
    key = booking.citizen_key
    assert key is not None
    _lock_account(session, key, new_day, now)
    if difference > 0 and _balance(session, key) < difference:
        raise InsufficientCredit(texts.not_enough_credit(_balance(session, key), difference))
    session.add(LedgerEntry(
        citizen_key=key, minutes=-difference, booking_reference=booking.reference,
        reason=(LedgerReason.DEBIT if difference > 0 else LedgerReason.REFUND).value, created_at=now,
    ))


# ---- checks and views --------------------------------------------------------------------


def _check_bookable(slot: Slot, modality: Modality, now: dt.datetime) -> None:
    if slot.starts_at <= now:
        raise SlotUnavailable("Dat moment is al voorbij. Kies een ander moment.")
    counsellor = slot.counsellor
    if not _valid_on(counsellor, slot.day):
        raise SlotUnavailable("Deze begeleider kan op die dag geen loopbaanbegeleiding geven. Kies een ander moment.")
    if modality not in counsellor.modality_set:
        raise ModalityNotOffered(
            f"Deze begeleider werkt niet {texts.MODALITY_WORDS[modality]}. Kies een ander moment."
        )


def _valid_on(counsellor: Counsellor, day: dt.date) -> bool:
    """The same test as `_counsellor_valid_on`, for one loaded counsellor."""
    def within(start: dt.date | None, end: dt.date | None) -> bool:
        return start is not None and start <= day and (end is None or day <= end)

    return within(counsellor.mandate_valid_from, counsellor.mandate_valid_to) and within(
        counsellor.beroepskwalificatie_valid_from, counsellor.beroepskwalificatie_valid_to
    )


def _replay(existing: Booking, slot_id: int, modality: Modality) -> BookingView:
    if existing.slot_id != slot_id or existing.modality != modality.value:
        raise IdempotencyConflict("idempotency key reused for a different slot or modality")
    return _view(existing)


def _place(booking: Booking) -> str | None:
    if booking.modality == Modality.OP_LOCATIE:
        return booking.slot.counsellor.office_postcode
    return None


def _location(booking: Booking) -> str:
    place = _place(booking)
    return f"kantoor {booking.slot.counsellor.name}, {place}" if place else booking.modality


def _view(booking: Booking, *, sms_queued: bool = False) -> BookingView:
    slot = booking.slot
    return BookingView(
        reference=booking.reference,
        status=BookingStatus(booking.status),
        counsellor=slot.counsellor.name,
        starts_at=slot.starts_at.astimezone(BRUSSELS),
        ends_at=slot.ends_at.astimezone(BRUSSELS),
        channel=Channel(booking.channel),
        modality=Modality(booking.modality),
        held_until=booking.held_until.astimezone(BRUSSELS),
        location=_location(booking),
        sms_queued=sms_queued,
    )


def _offer(slot: Slot, modality: Modality) -> SlotOffer:
    counsellor = slot.counsellor
    return SlotOffer(
        slot_id=slot.id,
        counsellor=counsellor.name,
        starts_at=slot.starts_at.astimezone(BRUSSELS),
        ends_at=slot.ends_at.astimezone(BRUSSELS),
        modality=modality,
        province=counsellor.province,
        office_postcode=counsellor.office_postcode,
        languages=tuple(sorted(counsellor.language_set)),
    )


def _modality(value: Modality | str) -> Modality:
    try:
        return Modality(value)
    except ValueError:
        raise InvalidInput(f"unknown modality {value!r}, expected op_locatie, online or telefoon") from None


def _channel(value: Channel | str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise InvalidInput(f"unknown channel {value!r}, expected web, sms, voice or staff") from None


def _phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return normalise_phone(raw)
    except InvalidPhone as error:
        raise InvalidInput(str(error)) from None


def _taken() -> str:
    return "Dat moment is net door iemand anders genomen. Kies een ander moment."


def _no_such_booking(reference: str) -> str:
    return "Ik vind geen afspraak met die referentie. Kijk de code in je sms nog eens na."


def _status_words(booking: Booking) -> str:
    return {
        BookingStatus.HELD: "Deze afspraak is nog niet bevestigd.",
        BookingStatus.CONFIRMED: "Deze afspraak is al bevestigd.",
        BookingStatus.CANCELLED: "Deze afspraak is geannuleerd.",
        BookingStatus.ATTENDED: "Deze afspraak heeft al plaatsgevonden.",
        BookingStatus.EXPIRED: "Deze reservering is verlopen. Kies een nieuw moment.",
    }[BookingStatus(booking.status)]
