"""Records go after the policy's retention period; the credit balance stays (once per career)."""
from __future__ import annotations

import datetime as dt

from booking_helpers import CITIZEN, NOW, OTHER_CITIZEN, at
from sqlalchemy import func, select

from verwijzing.booking import figures
from verwijzing.store import (
    AuditEntry,
    Booking,
    CreditAccount,
    LedgerEntry,
    OutboxMessage,
    Referral,
    Slot,
)
from verwijzing.worker.retention import apply_retention, years_before


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def book(service, make, day: int, who: str, key: str):
    held = service.hold(make.slot(make.counsellor(), at(day)), "web", key, modality="online", now=NOW)
    return service.confirm(held.reference, insz=who, phone="0470123456", now=NOW)


def test_phones_go_when_the_session_is_over_records_when_the_period_is(service, sessions, make):
    book(service, make, 2, CITIZEN, "a")
    book(service, make, 3, OTHER_CITIZEN, "b")
    remaining = service.remaining_hours(insz=CITIZEN)
    with sessions.begin() as session:
        session.add(Referral(created_at=NOW, route="loopbaankrediet", regime="loopbaankrediet",
                             in_aanmerking=True, channel="web", facts={}, decision={}))

    with sessions.begin() as session:
        report = apply_retention(session, at(2, 12))
    assert report.phones_cleared == 1 and report.bookings_deleted == 0
    with sessions() as session:
        phones = sorted(b.phone or "-" for b in session.scalars(select(Booking)))
    assert phones == ["+32470123456", "-"]

    years = figures.retention_years(NOW.date())
    much_later = at(4, year=2027 + years + 1)
    with sessions.begin() as session:
        report = apply_retention(session, much_later)
    assert report.cutoff == years_before(much_later, years)
    assert (report.bookings_deleted, report.slots_deleted, report.referrals_deleted) == (2, 2, 1)
    assert report.ledger_entries_folded == 4  # grant + debit, twice
    for model in (Booking, Slot, Referral, OutboxMessage):
        assert count(sessions, model) == 0
    assert count(sessions, AuditEntry) == 1  # only the sweep's own entry
    assert count(sessions, CreditAccount) == 2
    with sessions() as session:
        reasons = {e.reason for e in session.scalars(select(LedgerEntry))}
    assert reasons == {"carry_over"}
    assert service.remaining_hours(insz=CITIZEN) == remaining

    # A second sweep folds nothing again, and the credit is still not granted twice.
    with sessions.begin() as session:
        assert apply_retention(session, much_later).ledger_entries_folded == 0
    assert service.remaining_hours(insz=CITIZEN) == remaining


def test_used_up_credit_stays_used_up_after_folding(service, sessions, make):
    blocks = figures.credit_minutes(NOW.date()) // figures.block_minutes(NOW.date())
    for n in range(blocks):
        book(service, make, 2 + n, CITIZEN, f"r{n}")
    with sessions.begin() as session:
        apply_retention(session, at(4, year=2040))
    assert count(sessions, LedgerEntry) == 0  # a zero balance needs no entry ...
    assert service.remaining_hours(insz=CITIZEN) == 0  # ... the account says it was granted


def test_no_period_in_the_policy_means_nothing_is_deleted(service, sessions, make, monkeypatch):
    book(service, make, 2, CITIZEN, "a")
    real = figures.policy_figure
    monkeypatch.setattr(
        figures, "policy_figure",
        lambda name, day, **kw: None if name == "bewaartermijn_jaren" else real(name, day, **kw),
    )
    with sessions.begin() as session:
        report = apply_retention(session, at(4, year=2060))
    assert report.cutoff is None and report.phones_cleared == 1
    assert count(sessions, Booking) == 1


def test_years_before_handles_leap_days():
    moment = dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)
    assert years_before(moment, 5) == dt.datetime(2023, 2, 28, 12, tzinfo=dt.UTC)
