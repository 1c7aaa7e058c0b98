"""The national number is used to compute the citizen key and then forgotten: after a whole
booking it is in no table, no column, no SQL statement or parameter that was logged."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging

import pytest
from booking_helpers import CITIZEN, NOW, at

from tests.support.database import dump_rows
from verwijzing.booking import BookingService
from verwijzing.referrals.record import attach_booking, record_decision
from verwijzing.worker.retention import apply_retention


def forms_of(number: str) -> set[str]:
    dotted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    return {number, dotted, number[:9], str(int(number)), hashlib.sha256(number.encode()).hexdigest()}


def test_the_national_number_is_stored_nowhere(service, sessions, make, db, caplog):
    caplog.set_level(logging.DEBUG)  # everything, including SQLAlchemy's SQL and parameters
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    try:
        counsellor = make.counsellor()
        first = service.hold(make.slot(counsellor, at(2)), "web", "a", modality="op_locatie", now=NOW)
        typed = f"{CITIZEN[:2]}.{CITIZEN[2:4]}.{CITIZEN[4:6]}-{CITIZEN[6:9]}.{CITIZEN[9:]}"
        service.confirm(first.reference, insz=typed, phone="0470 12 34 56", now=NOW)
        second = service.hold(make.slot(counsellor, at(9)), "sms", "b", modality="online", now=NOW)
        service.confirm(second.reference, insz=CITIZEN, phone="0470123456", now=NOW)
        service.reschedule(second.reference, make.slot(counsellor, at(10)), NOW)
        service.cancel(first.reference, NOW)
        service.remaining_hours(insz=CITIZEN)
        service.invite(second.reference, NOW)
        with sessions.begin() as session:
            referral = record_decision(
                session, decision={"in_aanmerking": True, "route": "loopbaankrediet", "regime": "loopbaankrediet"},
                facts={}, channel="web", at=NOW)
            attach_booking(session, referral.id, second.reference)
            apply_retention(session, NOW + dt.timedelta(days=30))
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)

    rows = dump_rows(db)
    assert rows["bookings"] and rows["ledger_entries"] and rows["outbox"] and rows["audit_log"]
    everything = repr(rows)
    for form in forms_of(CITIZEN):
        assert form not in everything, f"national number found in the store as {form!r}"
        assert form not in caplog.text, f"national number found in the logs as {form!r}"
    assert "INSERT INTO bookings" in caplog.text  # the SQL log was really captured


def test_the_citizen_key_depends_on_the_pepper(service, sessions, make):
    held = service.hold(make.slot(make.counsellor(), at(2)), "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    other_pepper = BookingService(sessions, pepper=b"another-pepper")
    full = other_pepper.remaining_hours(insz=CITIZEN, day=NOW.date())
    assert full > service.remaining_hours(insz=CITIZEN)  # a different pepper: a stranger


def test_a_national_number_passed_as_citizen_key_is_refused(service, make):
    held = service.hold(make.slot(make.counsellor(), at(2)), "web", "a", modality="online", now=NOW)
    with pytest.raises(ValueError, match="64 hex"):
        service.confirm(held.reference, citizen_key=CITIZEN, now=NOW)
