"""Importing the mandate register into the database (counsellors/importer.py), on SQLite and
PostgreSQL: new counsellors, a re-import that changes nothing, a changed line, a counsellor who
left the register, and a mandate that ends under a booked block (cancelled with an SMS and the
hours given back, never silently)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.support.database import valid_insz
from verwijzing.booking import BookingService
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.enums import BookingStatus
from verwijzing.nl_be import BRUSSELS
from verwijzing.privacy.sealed import unseal
from verwijzing.store import Counsellor, Slot, make_sessionmaker
from verwijzing.store.models import OutboxMessage

SEAL = b"register-test-seal-key"
PEPPER = b"register-test-pepper"
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=BRUSSELS)
CITIZEN = valid_insz(dt.date(1985, 7, 30), 33)
ROWS = {
    "1": ('LK-1,Lotte Peeters,lotte@example.be,09 123 45 67,"Kouter 1",9000,op_locatie;online,nl;fr,'
          "2026-01-01,,2026-01-01,,ja"),
    "2": "LK-2,Wout Janssens,wout@example.be,,,3000,online,nl,2026-01-01,,2026-01-01,,nee",
    "3": 'LK-3,Sien Maes,sien@example.be,,"Meir 2",2000,op_locatie,nl;en,2026-01-01,,2026-01-01,,',
}


@pytest.fixture
def sessions(db) -> sessionmaker[Session]:
    return make_sessionmaker(db)


def run(sessions, *rows: str, now: dt.datetime = NOW):
    register = read_register("\n".join((",".join(COLUMNS), *rows)).encode())
    assert register.problems == [], [str(p) for p in register.problems]
    with sessions.begin() as session:
        return import_register(session, register.entries, now, SEAL)


def counsellor(sessions, number: str) -> Counsellor:
    with sessions() as session:
        found = session.scalar(select(Counsellor).where(Counsellor.mandate_number == number))
        assert found is not None
        session.expunge_all()
        return found


def test_a_first_import_adds_everyone_and_a_second_changes_nothing(sessions):
    first = run(sessions, *ROWS.values())
    assert (first.added, first.changed, first.unchanged, first.left_register) == (3, 0, 0, 0)
    lotte = counsellor(sessions, "LK-1")
    assert (lotte.name, lotte.office_address, lotte.province, lotte.region) == ("Lotte Peeters", "Kouter 1",
                                                                                "oost-vlaanderen", "VLG")
    assert lotte.wheelchair_access and lotte.email == "lotte@example.be"
    # The phone is kept sealed: not readable in the table, only with the key.
    assert "123" not in lotte.phone_sealed and unseal(lotte.phone_sealed, SEAL) == "+3291234567"
    again = run(sessions, *ROWS.values())
    assert (again.added, again.changed, again.unchanged, again.left_register) == (0, 0, 3, 0)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Counsellor)) == 3


def test_a_changed_line_updates_that_counsellor_only(sessions):
    run(sessions, *ROWS.values())
    changed = ROWS["2"].replace("online,nl", "online;telefoon,nl;fr").replace("3000", "3500")
    result = run(sessions, ROWS["1"], changed, ROWS["3"])
    assert (result.changed, result.unchanged) == (1, 2)
    wout = counsellor(sessions, "LK-2")
    assert wout.office_postcode == "3500" and wout.province == "limburg"
    assert {m.modality for m in wout.modalities} == {"online", "telefoon"}
    assert {lang.language for lang in wout.languages} == {"nl", "fr"}


def _booked(sessions, counsellor_id: int, day: int, phone: str | None = "+32470123456",
            modality: str = "online") -> str:
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    starts = dt.datetime(2027, 3, day, 9, 0, tzinfo=BRUSSELS)
    with sessions.begin() as session:
        slot = Slot(counsellor_id=counsellor_id, day=starts.date(), starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2))
        session.add(slot)
        session.flush()
        slot_id = slot.id
    held = service.hold(slot_id, "web", f"test-{counsellor_id}-{day}", modality=modality, now=NOW)
    return service.confirm(held.reference, insz=CITIZEN, phone=phone, now=NOW).reference


def _free(sessions, counsellor_id: int, day: int) -> None:
    starts = dt.datetime(2027, 3, day, 13, 30, tzinfo=BRUSSELS)
    with sessions.begin() as session:
        session.add(Slot(counsellor_id=counsellor_id, day=starts.date(), starts_at=starts,
                         ends_at=starts + dt.timedelta(hours=2)))


def test_a_mandate_that_ends_withdraws_its_moments_and_cancels_its_bookings_with_an_sms(sessions):
    run(sessions, *ROWS.values())
    wout = counsellor(sessions, "LK-2")
    before_end = _booked(sessions, wout.id, 8)
    after_end = _booked(sessions, wout.id, 22)
    _free(sessions, wout.id, 9)
    _free(sessions, wout.id, 23)
    ends = ROWS["2"].replace("2026-01-01,,2026-01-01", "2026-01-01,2027-03-15,2026-01-01")
    result = run(sessions, ROWS["1"], ends, ROWS["3"])
    assert result.bookings_cancelled == [after_end] and result.without_phone == []
    assert result.moments_withdrawn == 1  # the free one of the 23rd; the 9th stays offered
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    assert service.show(after_end).as_dict()["status"] == BookingStatus.CANCELLED
    assert service.show(before_end).as_dict()["status"] == BookingStatus.CONFIRMED
    # The hours are back: two blocks were booked, one remains.
    assert service.remaining_hours(insz=CITIZEN, day=NOW.date()) == 4
    with sessions() as session:
        texts = [m.body for m in session.scalars(select(OutboxMessage).where(
            OutboxMessage.booking_reference == after_end).order_by(OutboxMessage.id))]
        days = {s.day.day for s in session.scalars(select(Slot).where(Slot.counsellor_id == wout.id))}
    said = texts[-1]
    assert after_end in said and "gaat niet door" in said and "terug op je krediet" in said
    assert "afspraak maken" in said  # how to choose a new moment (a phrase the assistant was trained on)
    assert days == {8, 9, 22}  # the booked-then-cancelled moment stays for its history


def test_a_counsellor_missing_from_the_file_left_the_register(sessions):
    run(sessions, *ROWS.values())
    sien = counsellor(sessions, "LK-3")
    booked = _booked(sessions, sien.id, 10, phone=None, modality="op_locatie")
    result = run(sessions, ROWS["1"], ROWS["2"])
    assert result.left_register == 1 and result.bookings_cancelled == [booked]
    # No phone to send the SMS to: listed, for a consulent to call; never silent.
    assert result.without_phone == [booked]
    assert counsellor(sessions, "LK-3").mandate_valid_to == NOW.date() - dt.timedelta(days=1)
    # Back in the register: the file's dates again.
    back = run(sessions, *ROWS.values())
    assert back.changed == 1 and counsellor(sessions, "LK-3").mandate_valid_to is None


def test_a_trial_run_changes_nothing(sessions):
    register = read_register("\n".join((",".join(COLUMNS), *ROWS.values())).encode())
    with sessions() as session:
        result = import_register(session, register.entries, NOW, SEAL)
        session.rollback()
    assert result.added == 3
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Counsellor)) == 0
