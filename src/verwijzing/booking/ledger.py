"""The person's credit of hours and the single loopbaancheque: balance, reservation, debit,
release, refund, cheque use.

Amounts are minutes in `LedgerEntry` rows (a grant is positive; a reservation and a debit
negative; a release and a refund positive again); the balance is their sum. A confirmed booking
*reserves* its block; the counsellor's record of the session decides: held (identity checked)
turns the reservation into a *debit*, a no-show or the counsellor's cancellation *releases* it,
and the person's own cancellation in time *refunds* it. Which regime applies — a credit or a cheque — follows
from the appointment's day (figures.py). Functions here work inside the caller's transaction and
take the locks the concurrency rules in service.py describe.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

import verwijzing.booking.figures as figures
import verwijzing.booking.texts as texts
from verwijzing.booking.errors import (
    ChequeAlreadyUsed,
    InsufficientCredit,
    SlotUnavailable,
)
from verwijzing.enums import LedgerReason
from verwijzing.policy import regime_at
from verwijzing.store.engine import insert_for
from verwijzing.store.models import Booking, ChequeUse, CreditAccount, LedgerEntry


def refund_due(starts_at: dt.datetime, now: dt.datetime, window: dt.timedelta) -> bool:
    """Cancelled at least `window` before the start (the boundary included)."""
    return starts_at - now >= window


def balance(session: Session, key: str) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(LedgerEntry.citizen_key == key)
    ) or 0


def net_debit(session: Session, reference: str) -> int:
    """Minutes this booking still has taken from the credit (debits minus refunds)."""
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(
            LedgerEntry.booking_reference == reference
        )
    ) or 0
    return -total


def refunded_minutes(session: Session, reference: str) -> int:
    """Minutes given back to the person for this booking (refunded or released)."""
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).where(
            LedgerEntry.booking_reference == reference,
            LedgerEntry.reason.in_([LedgerReason.REFUND.value, LedgerReason.RELEASE.value]),
        )
    ) or 0


def has_used_cheque(session: Session, key: str) -> bool:
    return bool(session.scalar(select(exists().where(ChequeUse.citizen_key == key))))


def lock_account(session: Session, key: str, day: dt.date, now: dt.datetime) -> None:
    """Make sure the person's account exists and hold its row lock until commit.

    Creating it grants the whole credit once. INSERT … ON CONFLICT DO NOTHING makes a second,
    simultaneous first booking of the same person wait for the first and then find the account
    instead of granting the credit twice. (On SQLite the write lock taken at BEGIN already
    serialises everything; FOR UPDATE is left out of the SQL there.)"""
    insert = insert_for(session)
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


def required_block(day: dt.date) -> int:
    block = figures.block_minutes(day)
    if block is None:
        raise LookupError(f"the policy gives a credit but no blok_uren on {day.isoformat()}")
    return block


def reserve_block(session: Session, key: str, reference: str, day: dt.date, now: dt.datetime) -> int:
    """Reserve one block of `day` on the person's credit for booking `reference` (it counts in
    the balance at once); returns its minutes. InsufficientCredit when less than a block is left."""
    block = required_block(day)
    lock_account(session, key, day, now)
    remaining = balance(session, key)
    if remaining < block:
        raise InsufficientCredit(texts.not_enough_credit(remaining, block))
    session.add(LedgerEntry(
        citizen_key=key, minutes=-block, booking_reference=reference,
        reason=LedgerReason.RESERVE.value, created_at=now,
    ))
    return block


def debit_reserved(session: Session, key: str | None, reference: str, day: dt.date, now: dt.datetime) -> int:
    """The session was held: what the booking holds on the credit becomes a debit (a release and a
    debit of the same minutes, so the balance does not move). Returns the minutes debited."""
    held = net_debit(session, reference)
    if held and key is not None:
        lock_account(session, key, day, now)
        session.add_all([
            LedgerEntry(citizen_key=key, minutes=held, booking_reference=reference,
                        reason=LedgerReason.RELEASE.value, created_at=now),
            LedgerEntry(citizen_key=key, minutes=-held, booking_reference=reference,
                        reason=LedgerReason.DEBIT.value, created_at=now),
        ])
    return held if key is not None else 0


def refund_booking(session: Session, key: str | None, reference: str, day: dt.date, now: dt.datetime, *,
                   reason: LedgerReason = LedgerReason.REFUND) -> int:
    """Give back what booking `reference` still has taken from the credit; returns the minutes.
    `reason`: REFUND when the person cancelled in time, RELEASE when the counsellor did or the
    person did not come. `key` None: a confirmed booking without a person (the demo's seeded
    intakes), which never took anything from a credit."""
    refund = net_debit(session, reference)
    if refund:
        if key is None:
            raise ValueError(f"booking {reference} has a debit but no citizen key")
        lock_account(session, key, day, now)
        session.add(LedgerEntry(
            citizen_key=key, minutes=refund, booking_reference=reference,
            reason=reason.value, created_at=now,
        ))
    return refund


def use_cheque(session: Session, key: str, reference: str, day: dt.date, now: dt.datetime) -> str:
    """Record that the person uses the cheque of the regime in force on `day`; returns the
    regime's name. Refuses a second cheque when the policy says one used before excludes.

    The primary key (person, regime) decides between two simultaneous confirmations: PostgreSQL
    makes the second INSERT … ON CONFLICT DO NOTHING wait for the first and then skip; SQLite's
    write lock serialises them anyway."""
    regime = regime_at(day).name
    exclusive = figures.single_cheque_only(day)
    if exclusive and has_used_cheque(session, key):
        raise ChequeAlreadyUsed(texts.cheque_refused())
    insert = insert_for(session)
    recorded = session.execute(
        insert(ChequeUse)
        .values(citizen_key=key, regime=regime, booking_reference=reference, created_at=now)
        .on_conflict_do_nothing(index_elements=["citizen_key", "regime"])
        .returning(ChequeUse.citizen_key)
    ).first() is not None
    if not recorded and exclusive:
        raise ChequeAlreadyUsed(texts.cheque_refused())
    return regime


def check_same_regime_kind(old_day: dt.date, new_day: dt.date) -> None:
    """A confirmed booking keeps what it was confirmed on: a cheque cannot turn into a block of
    credit by moving it past 2026-12-31, nor the other way round."""
    if figures.uses_credit(old_day) == figures.uses_credit(new_day):
        return
    old, new = regime_at(old_day).regime.label, regime_at(new_day).regime.label
    raise SlotUnavailable(texts.other_regime(new, old))


def settle_block_change(
    session: Session, booking: Booking, old_day: dt.date, new_day: dt.date, now: dt.datetime
) -> None:
    """If the policy's block size differs between the two dates, debit or refund the difference.
    Both dates are under a regime with a credit (see check_same_regime_kind)."""
    difference = required_block(new_day) - required_block(old_day)
    if not difference:
        return
    key = booking.citizen_key
    if key is None:
        raise ValueError(f"confirmed booking {booking.reference} has no citizen key")
    lock_account(session, key, new_day, now)
    if difference > 0 and balance(session, key) < difference:
        raise InsufficientCredit(texts.not_enough_credit(balance(session, key), difference))
    session.add(LedgerEntry(
        citizen_key=key, minutes=-difference, booking_reference=booking.reference,
        reason=(LedgerReason.RESERVE if difference > 0 else LedgerReason.RELEASE).value, created_at=now,
    ))
