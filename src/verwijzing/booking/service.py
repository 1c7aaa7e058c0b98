"""Booking a block of guidance: find free slots, hold one, confirm it, cancel or move it.

Every public method of BookingService is one database transaction that it opens and commits
itself, so a booking is either complete (status, ledger debit, SMS in the outbox, audit line) or
not there at all. The parts it is made of live next to it:
- transitions.py: each change of a booking's state, inside the transaction opened here;
- queries.py: the database questions (free slots, claims, a booking by reference);
- ledger.py: the credit's balance, debits and refunds, and the single loopbaancheque;
- checks.py: refusals before anything changes, and the reading of inputs;
- views.py: the frozen views handed out (SlotOffer, BookingView, CancelResult);
- references.py: booking references;
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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

import verwijzing.booking.figures as figures
import verwijzing.booking.ledger as ledger
import verwijzing.booking.queries as queries
import verwijzing.booking.texts as texts
import verwijzing.booking.transitions as transitions
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
    IdempotencyConflict,
    InvalidInput,
    SlotNotFound,
    SlotUnavailable,
)
from verwijzing.booking.matching import DEFAULT_LANGUAGE, Ring, rings
from verwijzing.booking.references import (
    unused_reference,
)
from verwijzing.booking.views import (
    BookingView,
    CancelResult,
    SlotOffer,
    offer_of,
    view_of,
)
from verwijzing.config import peildatum_now, settings
from verwijzing.enums import ACTIVE_STATUSES, BookingStatus, Channel, Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.ics import booking_invite
from verwijzing.notify.sms import queue_sms
from verwijzing.places.distance import place_of
from verwijzing.places.postcodes import UnknownPostcode, province_of
from verwijzing.privacy.audit import record_audit
from verwijzing.store.engine import make_engine, make_sessionmaker
from verwijzing.store.models import Booking, CreditAccount, Slot

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
        clock: Callable[[], dt.datetime] = peildatum_now,
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
        language: str = DEFAULT_LANGUAGE,
        wheelchair: bool = False,
    ) -> list[SlotOffer]:
        """The first `limit` free slots from `day_from` on, never before `now`, of counsellors who
        speak `language` (Dutch unless another is asked).

        op_locatie: the counsellors nearest to the postcode's municipality first, by rings of
        distance (matching.rings), earliest first within a ring; with `wheelchair`, only offices
        with wheelchair access. online / telefoon: anyone, earliest first. Only counsellors whose
        mandate and beroepskwalificatie are both valid on the slot's date."""
        now = self._now(now)
        modality = parse_modality(modality)
        home = None
        if modality is Modality.OP_LOCATIE:
            if not near_postcode:
                raise InvalidInput(texts.ASK_POSTCODE)
            try:
                province_of(near_postcode)
            except UnknownPostcode as error:
                raise InvalidInput(str(error)) from None
            home = place_of(near_postcode)
        offers: list[SlotOffer] = []
        with self._read() as session:
            tiers: list[Ring | None] = [None]
            if home is not None:
                tiers = list(rings(home, queries.offices(session, modality, language, wheelchair)))
            for ring in tiers:
                statement = queries.free_slots_statement(
                    modality, day_from, now, limit - len(offers), language=language, wheelchair=wheelchair,
                    counsellors=ring.counsellors if ring else None)
                offers += [offer_of(slot, modality, ring.km.get(slot.counsellor_id) if ring else None)
                           for slot in session.scalars(statement).unique()]
                if len(offers) >= limit:
                    break
        return offers

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

    def phone_of(self, reference: str) -> str | None:
        """The phone number kept on a booking that can still change (for a one-time code), or None."""
        with self._read() as session:
            booking = session.scalar(select(Booking).where(Booking.reference == reference))
            if booking is None or booking.status not in [s.value for s in ACTIVE_STATUSES]:
                return None
            return booking.phone

    def earlier_booking(self, citizen_key: str) -> tuple[bool, str | None]:
        """Whether this credit was booked on before, and the phone of its latest booking that still
        keeps one: a next booking on the credit needs a code sent to that phone."""
        with self._read() as session:
            bookings = session.scalars(
                select(Booking).where(Booking.citizen_key == citizen_key, Booking.confirmed_at.is_not(None))
                .order_by(Booking.confirmed_at.desc())).all()
            phone = next((b.phone for b in bookings if b.phone), None)
            return bool(bookings), phone

    def send_code(self, to: str, body: str, reference: str | None) -> None:
        """Queue a one-time code SMS through the outbox (sent by the worker, like every SMS)."""
        with self._sessions.begin() as session:
            queue_sms(session, to=to, body=body, at=self._now(None), booking_reference=reference)

    def cheque_used(self, *, insz: str | None = None, citizen_key: str | None = None) -> bool:
        """Whether the person has a confirmed booking on a transitional loopbaancheque."""
        key = self._citizen_key(insz, citizen_key)
        with self._read() as session:
            return ledger.has_used_cheque(session, key)

    def invite(self, reference: str, now: dt.datetime) -> bytes:
        """The .ics calendar invite of a booking that is still to come: the link dies with a
        cancellation and once the block is over (BookingNotFound, as for an unknown one)."""
        with self._read() as session:
            booking = self._existing(session, reference, lock=False)
            view = view_of(booking)
            if view.status not in ACTIVE_STATUSES or view.ends_at <= now:
                raise BookingNotFound("Deze afspraak bestaat niet (meer).")
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
        within: Callable[[Session, BookingView], None] | None = None,
    ) -> BookingView:
        """Turn a hold into a booking, in one transaction. Under a regime with a credit (the
        loopbaankrediet) it debits one block from the person's credit; under the transitional
        loopbaancheque it records the use of the person's single cheque and leaves the credit
        alone, and a person who already used one gets ChequeAlreadyUsed (the held moment is then
        given back). Confirming again (a retry) returns the booking without a second debit.
        `within(session, view)` runs in the same transaction when this call confirms it (the
        referral's link, see verwijzing.booking.book): it commits with the booking or not at all.

        The national number is only turned into the citizen key here and then forgotten. A hold
        that ran out can still be confirmed as long as nobody else claimed the slot meanwhile
        (anyone who does first marks it "expired")."""
        now = self._now(now)
        key = self._citizen_key(insz, citizen_key)
        number = parse_phone(phone)
        try:
            with self._sessions.begin() as session:
                booking = self._existing(session, reference)
                confirming = booking.status == BookingStatus.HELD  # not a retry of a confirmed one
                view = transitions.confirm_held(session, booking, key, number, now, self.free_cancellation)
                if within is not None and confirming:
                    within(session, view)
                return view
        except ChequeAlreadyUsed:
            self.give_back(reference, actor="system", why=ChequeAlreadyUsed.code, now=now)
            raise

    def give_back(self, reference: str, *, actor: str, why: str, now: dt.datetime | None = None) -> bool:
        """Free a hold that will not be confirmed at once, not after the hold time. False when it
        is no hold any more (a retry confirmed it meanwhile, or it is gone): nothing changes."""
        now = self._now(now)
        with self._sessions.begin() as session:
            booking = queries.find(session, reference, lock=True)
            return booking is not None and transitions.give_back(session, booking, now, actor=actor, why=why)

    def cancel(
        self, reference: str, now: dt.datetime | None = None, *, actor: str | None = None,
        owner_key: str | None = None,
    ) -> CancelResult:
        """Cancel a hold or a booking (see transitions.cancel for the refund). With `owner_key`
        (a citizen asking), only the person who confirmed the booking may cancel it."""
        now = self._now(now)
        with self._sessions.begin() as session:
            booking = self._existing(session, reference)
            check_owner(booking, owner_key)
            return transitions.cancel(session, booking, now, actor=actor, free_cancellation=self.free_cancellation)

    def reschedule(
        self,
        reference: str,
        new_slot_id: int,
        now: dt.datetime | None = None,
        *,
        actor: str | None = None,
        owner_key: str | None = None,
    ) -> BookingView:
        """Move a hold or booking to another slot, atomically: the old slot is free and the new
        one taken in the same commit, or nothing changes. `owner_key` as for cancel."""
        now = self._now(now)
        try:
            with self._sessions.begin() as session:
                booking = self._existing(session, reference)
                check_owner(booking, owner_key)
                return transitions.move(session, booking, new_slot_id, now, actor=actor,
                                        free_cancellation=self.free_cancellation, hold_time=self.hold_time)
        except IntegrityError:
            # Someone claimed the new slot between our check and our update.
            raise SlotUnavailable(texts.SLOT_TAKEN) from None

    def record_session(self, reference: str, outcome: str, *, counsellor_id: int, insz: str | None = None,
                       now: dt.datetime | None = None) -> transitions.SessionRecord:
        """The counsellor's record of the first session (transitions.record_session). `insz`: the
        national number the counsellor typed from the identity card, for "gehouden"; only its keyed
        hash is compared, the number itself is forgotten here."""
        now = self._now(now)
        key = self._citizen_key(insz, None) if insz is not None else None
        with self._sessions.begin() as session:
            return transitions.record_session(session, self._existing(session, reference), outcome, now,
                                              counsellor_id=counsellor_id, citizen_key=key)

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

    @staticmethod
    def _existing(session: Session, reference: str, *, lock: bool = True) -> Booking:
        """The booking, locked for a change unless `lock` is False; BookingNotFound otherwise."""
        booking = queries.find(session, reference, lock=lock)
        if booking is None:
            raise BookingNotFound(texts.NO_SUCH_BOOKING)
        return booking

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
