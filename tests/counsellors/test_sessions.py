"""The first session recorded by the counsellor (issue 19, deliverable 6), on SQLite and
PostgreSQL: the credit follows the session, not the click — reserved at booking, debited only when
held with the identity checked, released by a no-show or the counsellor's cancellation (with an
SMS); a national number that does not match changes nothing and is recorded."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.counsellors.test_moments import NOW, PEPPER, lotte, save, sessions, w  # noqa: F401 - fixtures
from tests.support.database import dump_rows, valid_insz
from verwijzing.booking import BookingService
from verwijzing.booking.errors import NotYourBooking, WrongStatus
from verwijzing.booking.transitions import CALLED_OFF, HELD, NO_SHOW
from verwijzing.nl_be import BRUSSELS
from verwijzing.store import AuditEntry, LedgerEntry, Slot
from verwijzing.store.models import OutboxMessage

CITIZEN = valid_insz(dt.date(1985, 7, 30), 33)
SOMEONE_ELSE = valid_insz(dt.date(1979, 1, 2), 55)
MONDAY_NINE = dt.datetime(2027, 3, 8, 9, 0, tzinfo=BRUSSELS)
DURING = MONDAY_NINE + dt.timedelta(minutes=30)


@pytest.fixture
def booked(sessions, lotte):  # noqa: F811
    save(sessions, lotte, {0: [w("09:00", "13:00")]})
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)

    def book(at: dt.datetime = MONDAY_NINE, key: str = "s-1") -> str:
        with sessions() as session:
            slot = session.scalar(select(Slot.id).where(Slot.counsellor_id == lotte, Slot.starts_at == at))
        held = service.hold(slot, "web", key, modality="op_locatie", now=NOW)
        return service.confirm(held.reference, insz=CITIZEN, phone="+32470123456", now=NOW).reference
    return service, book


def ledger(sessions, reference: str) -> list[tuple[str, int]]:  # noqa: F811 - the fixture, passed on
    with sessions() as session:
        return [(e.reason, e.minutes) for e in session.scalars(
            select(LedgerEntry).where(LedgerEntry.booking_reference == reference).order_by(LedgerEntry.id))]


def balance(service) -> float:
    return service.remaining_hours(insz=CITIZEN, day=MONDAY_NINE.date())


def test_held_with_the_right_identity_turns_the_reservation_into_a_debit(sessions, lotte, booked):  # noqa: F811
    service, book = booked
    reference = book()
    assert ledger(sessions, reference) == [("reserve", -120)]
    before = balance(service)
    with pytest.raises(WrongStatus, match="nog niet begonnen"):
        service.record_session(reference, HELD, counsellor_id=lotte, insz=CITIZEN, now=NOW)
    done = service.record_session(reference, HELD, counsellor_id=lotte, insz=CITIZEN, now=DURING)
    assert done.recorded and done.debited_minutes == 120
    assert ledger(sessions, reference) == [("reserve", -120), ("release", 120), ("debit", -120)]
    assert balance(service) == before  # the hours were already held; now they are spent
    assert service.show(reference).as_dict()["status"] == "attended"
    with pytest.raises(WrongStatus):  # once
        service.record_session(reference, HELD, counsellor_id=lotte, insz=CITIZEN, now=DURING)


def test_a_national_number_that_does_not_match_debits_nothing_and_is_recorded(sessions, lotte, booked):  # noqa: F811
    service, book = booked
    reference = book()
    for _ in range(3):
        refused = service.record_session(reference, HELD, counsellor_id=lotte, insz=SOMEONE_ELSE, now=DURING)
        assert not refused.recorded
    assert ledger(sessions, reference) == [("reserve", -120)]
    assert service.show(reference).as_dict()["status"] == "confirmed"
    with pytest.raises(WrongStatus, match="3 keer niet"):  # no fourth guess, not even the right number
        service.record_session(reference, HELD, counsellor_id=lotte, insz=CITIZEN, now=DURING)
    with sessions() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.subject == reference)).all().count(
            "identiteit_klopt_niet") == 3
    # Neither number is stored anywhere, in any form the tests know.
    everything = str(dump_rows(sessions.kw["bind"]))
    assert CITIZEN not in everything and SOMEONE_ELSE not in everything


def test_a_no_show_releases_the_reservation_and_says_nothing(sessions, lotte, booked):  # noqa: F811
    service, book = booked
    reference = book()
    before = balance(service)
    with sessions() as session:
        sms_before = session.query(OutboxMessage).count()
    done = service.record_session(reference, NO_SHOW, counsellor_id=lotte, now=DURING)
    assert done.released_minutes == 120 and balance(service) == before + 2
    assert ledger(sessions, reference) == [("reserve", -120), ("release", 120)]
    assert service.show(reference).as_dict()["status"] == "no_show"
    with sessions() as session:
        assert session.query(OutboxMessage).count() == sms_before


def test_the_counsellor_calls_off_a_session_before_it_starts_and_the_person_gets_an_sms(sessions, lotte,  # noqa: F811
                                                                                        booked):
    service, book = booked
    reference = book(MONDAY_NINE + dt.timedelta(hours=2), "s-2")
    done = service.record_session(reference, CALLED_OFF, counsellor_id=lotte, now=NOW)
    assert done.released_minutes == 120
    assert ledger(sessions, reference) == [("reserve", -120), ("release", 120)]
    assert service.show(reference).as_dict()["status"] == "cancelled"
    with sessions() as session:
        sms = session.scalars(select(OutboxMessage.body).where(OutboxMessage.booking_reference == reference)
                              .order_by(OutboxMessage.id)).all()[-1]
    assert "gaat niet door: je begeleider kan dan niet" in sms and "afspraak maken" in sms
    with pytest.raises(WrongStatus, match="al begonnen"):
        other = book(MONDAY_NINE, "s-3")
        service.record_session(other, CALLED_OFF, counsellor_id=lotte, now=DURING)


def test_only_the_counsellor_of_the_booking_records_it(sessions, lotte, booked):  # noqa: F811
    service, book = booked
    reference = book()
    with pytest.raises(NotYourBooking):
        service.record_session(reference, NO_SHOW, counsellor_id=lotte + 1000, now=DURING)
    assert service.show(reference).as_dict()["status"] == "confirmed"
