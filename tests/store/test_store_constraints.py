"""What the database itself guarantees, whatever code talks to it."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, StatementError

from verwijzing.privacy.audit import record_audit
from verwijzing.store import (
    AuditEntry,
    Booking,
    Counsellor,
    CounsellorModality,
    Referral,
    Slot,
    make_sessionmaker,
)

UTC = dt.UTC
T0 = dt.datetime(2027, 3, 2, 8, 0, tzinfo=UTC)


def _slot(session) -> Slot:
    counsellor = Counsellor(
        name="Test Begeleider", mandate_valid_from=dt.date(2020, 1, 1),
        beroepskwalificatie_valid_from=dt.date(2020, 1, 1), office_postcode="9000",
        province="oost-vlaanderen", region="VLG",
        modalities=[CounsellorModality(modality="online")],
    )
    slot = Slot(counsellor=counsellor, day=T0.date(), starts_at=T0, ends_at=T0 + dt.timedelta(hours=2))
    session.add(slot)
    session.flush()
    return slot


def _booking(slot: Slot, n: int, status: str = "held") -> Booking:
    return Booking(
        reference=f"LK-AAA{n}", slot=slot, status=status, channel="web", modality="online",
        idempotency_key=f"key-{n}", created_at=T0, held_until=T0,
    )


def test_one_active_booking_per_slot(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        slot = _slot(session)
        session.add(_booking(slot, 2))
        slot_id = slot.id
    with pytest.raises(IntegrityError):
        with sessions.begin() as session:
            session.add(_booking(session.get(Slot, slot_id), 3, status="confirmed"))
    # Once the first is no longer active, the slot can be claimed again.
    with sessions.begin() as session:
        session.execute(update(Booking).values(status="expired"))
        session.add(_booking(session.get(Slot, slot_id), 4))
        session.add(_booking(session.get(Slot, slot_id), 5, status="cancelled"))
    with sessions() as session:
        assert len(session.scalars(select(Booking)).all()) == 3


def test_reference_and_idempotency_key_are_unique(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        slot = _slot(session)
        session.add(_booking(slot, 2, status="cancelled"))
        slot_id = slot.id
    duplicate = _booking(None, 2, status="cancelled")  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        with sessions.begin() as session:
            duplicate.slot = session.get(Slot, slot_id)
            session.add(duplicate)


@pytest.mark.parametrize(
    ("column", "value"), [("status", "booked"), ("channel", "fax"), ("modality", "per_brief")]
)
def test_check_constraints_refuse_unknown_values(db, column, value):
    sessions = make_sessionmaker(db)
    with pytest.raises(IntegrityError):
        with sessions.begin() as session:
            booking = _booking(_slot(session), 2)
            setattr(booking, column, value)
            session.add(booking)


def test_unknown_modality_for_a_counsellor_is_refused(db):
    with pytest.raises(IntegrityError):
        with make_sessionmaker(db).begin() as session:
            slot = _slot(session)
            slot.counsellor.modalities.append(CounsellorModality(modality="per_duif"))


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError):
        with make_sessionmaker(db).begin() as session:
            session.add(Slot(counsellor_id=999_999, day=T0.date(), starts_at=T0,
                             ends_at=T0 + dt.timedelta(hours=2)))
            session.flush()


def test_times_come_back_aware_and_naive_times_are_refused(db):
    sessions = make_sessionmaker(db)
    brussels = dt.timezone(dt.timedelta(hours=1))
    with sessions.begin() as session:
        slot = _slot(session)
        slot.starts_at = dt.datetime(2027, 3, 2, 9, 0, tzinfo=brussels)
        slot_id = slot.id
    with sessions() as session:
        stored = session.get(Slot, slot_id).starts_at
    assert stored.tzinfo is not None and stored == T0
    with pytest.raises(StatementError, match="naive"):
        with sessions.begin() as session:
            session.get(Slot, slot_id).ends_at = dt.datetime(2027, 3, 2, 12, 0)


def test_audit_and_referral_records(db):
    sessions = make_sessionmaker(db)
    decision = {"in_aanmerking": True, "route": "loopbaankrediet", "regime": "loopbaankrediet",
                "redenen": [{"code": "ok", "uitleg": "Je komt in aanmerking.", "bron": "seed §2.2"}]}
    with sessions.begin() as session:
        record_audit(session, actor="staff:an", action="view", subject="LK-AAAA", at=T0)
        session.add(Referral(created_at=T0, route="loopbaankrediet", regime="loopbaankrediet", in_aanmerking=True,
                             channel="staff", staff_member="an", facts={}, decision=decision))
    with sessions() as session:
        referral = session.scalars(select(Referral)).one()
        assert referral.route == "loopbaankrediet" and referral.decision == decision
        assert session.scalars(select(AuditEntry)).one().actor == "staff:an"
