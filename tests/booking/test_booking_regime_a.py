"""Booking under the transitional loopbaancheque (until 2026-12-31) uses its own rules: one cheque
per person, recorded apart from the 2027 credit, whose ledger is never created or debited. A
booking for a day under the loopbaankrediet still debits its block. Both databases."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from booking_helpers import BRUSSELS, CITIZEN, OTHER_CITIZEN
from sqlalchemy import func, select
from test_booking_concurrency import race

from verwijzing.booking import ChequeAlreadyUsed, SlotUnavailable, figures
from verwijzing.store import (
    AuditEntry,
    Booking,
    ChequeUse,
    CreditAccount,
    LedgerEntry,
    OutboxMessage,
)

# The reference date of the brief: a Friday under the transitional regime.
PEILDATUM = dt.datetime(2026, 11, 27, 10, 0, tzinfo=BRUSSELS)


def monday(hour: int = 9, weeks: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, tzinfo=BRUSSELS) + dt.timedelta(weeks=weeks)


def credit_rows(sessions) -> tuple[int, int]:
    with sessions() as session:
        return (session.scalar(select(func.count()).select_from(CreditAccount)),
                session.scalar(select(func.count()).select_from(LedgerEntry)))


def cheques(sessions) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(u.regime, u.booking_reference) for u in session.scalars(select(ChequeUse))]


def book(service, slot: int, request: str, citizen: str = CITIZEN, now: dt.datetime = PEILDATUM):
    held = service.hold(slot, "web", request, modality="online", now=now)
    return service.confirm(held.reference, insz=citizen, now=now)


@pytest.fixture
def counsellor(make) -> int:
    return make.counsellor()


def test_a_cheque_booking_leaves_the_credit_ledger_untouched(service, sessions, make, counsellor):
    booked = book(service, make.slot(counsellor, monday()), "a-1")
    assert booked.status == "confirmed"
    assert booked.ends_at - booked.starts_at == dt.timedelta(minutes=figures.agenda_block_minutes(monday().date()))
    assert credit_rows(sessions) == (0, 0)  # no account, no grant, no debit
    assert cheques(sessions) == [("loopbaancheque-overgang", booked.reference)]
    assert service.cheque_used(insz=CITIZEN) and not service.cheque_used(insz=OTHER_CITIZEN)
    # Hours of the transitional cheque are settled nowhere: nothing to count, not a 2027 figure.
    assert service.remaining_hours(insz=CITIZEN, day=PEILDATUM.date()) is None
    with sessions() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "confirm")).one()
    assert audit.detail == {"cheque": "loopbaancheque-overgang", "sms": False}


def test_the_confirmation_sms_of_a_cheque_promises_no_hours(service, sessions, make, counsellor):
    held = service.hold(make.slot(counsellor, monday()), "sms", "a-1", modality="online", now=PEILDATUM)
    booked = service.confirm(held.reference, insz=CITIZEN, phone="0470 12 34 56", now=PEILDATUM)
    with sessions() as session:
        body = session.scalars(select(OutboxMessage.body)).one()
    assert booked.reference in body and "maandag 30 november om 9 uur" in body
    assert "zo vroeg mogelijk" in body and "uren" not in body and "krediet" not in body
    assert "ongebruikt" not in body  # no source says what cancelling does to a cheque


def test_a_second_cheque_for_the_same_person_is_refused_in_plain_dutch(service, sessions, make, counsellor):
    first = book(service, make.slot(counsellor, monday()), "a-1")
    second_slot = make.slot(counsellor, monday(weeks=1))
    held = service.hold(second_slot, "web", "a-2", modality="online", now=PEILDATUM)
    with pytest.raises(ChequeAlreadyUsed) as refused:
        service.confirm(held.reference, insz=CITIZEN, now=PEILDATUM)
    message = str(refused.value)
    assert "al eens een loopbaancheque gebruikt" in message and "niet vastleggen" in message
    assert "krediet" not in message and "uur" not in message  # nothing about 2027 hours
    assert cheques(sessions) == [("loopbaancheque-overgang", first.reference)]
    assert credit_rows(sessions) == (0, 0)
    # The moment they could never have was given back at once, so someone else can take it.
    assert service.show(held.reference).status == "cancelled"
    other = book(service, second_slot, "b-1", citizen=OTHER_CITIZEN)
    assert other.status == "confirmed"


def test_cancelling_a_cheque_booking_frees_the_cheque(service, sessions, make, counsellor):
    booked = book(service, make.slot(counsellor, monday()), "a-1")
    # Late, even: no source says a cancelled appointment costs the cheque.
    late = monday() - dt.timedelta(hours=1)
    result = service.cancel(booked.reference, now=late)
    assert result.refunded_hours == 0
    assert "nieuw moment" in result.message and "uren" not in result.message
    assert service.cancel(booked.reference, now=late).message == result.message  # a retry
    assert cheques(sessions) == [] and credit_rows(sessions) == (0, 0)
    again = book(service, make.slot(counsellor, monday(weeks=1)), "a-2")
    assert cheques(sessions) == [("loopbaancheque-overgang", again.reference)]


def test_a_booking_on_a_credit_day_still_debits_its_block(service, sessions, make, counsellor):
    cheque = book(service, make.slot(counsellor, monday()), "a-1")
    # Booked at the same reference date, for 10 January 2027: the loopbaankrediet is in force.
    credit_day = dt.datetime(2027, 1, 10, 9, tzinfo=BRUSSELS)
    booked = book(service, make.slot(counsellor, credit_day), "b-1")
    assert figures.block_minutes(credit_day.date()) == 120
    with sessions() as session:
        ledger = [(e.reason, e.minutes, e.booking_reference)
                  for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]
    credit = figures.credit_minutes(credit_day.date())
    assert ledger == [("grant", credit, None), ("reserve", -120, booked.reference)]
    assert service.remaining_hours(insz=CITIZEN, day=credit_day.date()) == figures.hours(credit - 120)
    assert cheques(sessions) == [("loopbaancheque-overgang", cheque.reference)]  # untouched


def test_a_cheque_booking_cannot_move_into_the_credit(service, sessions, make, counsellor):
    booked = book(service, make.slot(counsellor, monday()), "a-1")
    in_2027 = make.slot(counsellor, dt.datetime(2027, 1, 11, 9, tzinfo=BRUSSELS))
    with pytest.raises(SlotUnavailable) as refused:
        service.reschedule(booked.reference, in_2027, now=PEILDATUM)
    assert "andere regeling" in str(refused.value) and "annuleer" in str(refused.value)
    moved = service.reschedule(booked.reference, make.slot(counsellor, monday(weeks=2)), now=PEILDATUM)
    assert moved.starts_at == monday(weeks=2)
    assert cheques(sessions) == [("loopbaancheque-overgang", booked.reference)]
    assert credit_rows(sessions) == (0, 0)


@pytest.mark.timeout(60)
def test_one_person_confirming_many_cheque_slots_at_once_gets_one(service, sessions, make, counsellor):
    tries = 12
    slots = [make.slot(counsellor, monday(weeks=0) + dt.timedelta(days=n, hours=n % 3)) for n in range(tries)]
    held = [service.hold(s, "web", f"r{n}", modality="online", now=PEILDATUM) for n, s in enumerate(slots)]
    results = race(tries, lambda i: service.confirm(held[i].reference, insz=CITIZEN, now=PEILDATUM))
    assert Counter(kind for kind, _ in results) == {"ok": 1, "refused": tries - 1}, results
    assert all(isinstance(error, ChequeAlreadyUsed) for kind, error in results if kind == "refused")
    assert len(cheques(sessions)) == 1 and credit_rows(sessions) == (0, 0)
    with sessions() as session:
        statuses = Counter(session.scalars(select(Booking.status)))
    assert statuses == {"confirmed": 1, "cancelled": tries - 1}
