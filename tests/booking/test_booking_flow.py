"""Hold, confirm, retry, expiry, cancel, reschedule, credit: the booking's life on both databases."""
from __future__ import annotations

import datetime as dt

import pytest
from booking_helpers import BRUSSELS, CITIZEN, NOW, OTHER_CITIZEN, PEPPER, at
from icalendar import Calendar
from sqlalchemy import func, select

from verwijzing.booking import (
    BookingNotFound,
    HoldExpired,
    IdempotencyConflict,
    InsufficientCredit,
    InvalidInput,
    ModalityNotOffered,
    NotYourBooking,
    SlotUnavailable,
    TooLateToReschedule,
    figures,
    normalise_reference,
)
from verwijzing.booking.references import REFERENCE_ALPHABET
from verwijzing.store import AuditEntry, Booking, LedgerEntry, OutboxMessage

BLOCK = figures.block_minutes(NOW.date())
CREDIT = figures.credit_minutes(NOW.date())


def ledger(sessions) -> list[tuple[str, int, str | None]]:
    with sessions() as session:
        rows = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        return [(row.reason, row.minutes, row.booking_reference) for row in rows]


def outbox(sessions) -> list[OutboxMessage]:
    with sessions() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def slot(make) -> int:
    return make.slot(make.counsellor(), at(2))


def test_hold_then_confirm_debits_one_block(service, sessions, slot):
    held = service.hold(slot, "web", "req-1", modality="op_locatie", now=NOW)
    assert held.status == "held" and held.held_until == NOW + service.hold_time
    assert held.reference.startswith("LK-") and len(held.reference) == 7
    assert set(held.reference[3:]) <= set(REFERENCE_ALPHABET)
    booked = service.confirm(held.reference, insz=CITIZEN, phone="0470 12 34 56", now=NOW)
    assert booked.status == "confirmed" and booked.reference == held.reference
    # Reserved at booking: the counsellor's record of the session decides (tests/counsellors/test_sessions.py).
    assert ledger(sessions) == [("grant", CREDIT, None), ("reserve", -BLOCK, held.reference)]
    assert service.remaining_hours(insz=CITIZEN) == figures.hours(CREDIT - BLOCK)
    shown = service.show(held.reference.lower()).as_dict()
    assert shown == {
        "reference": held.reference, "status": "confirmed", "counsellor": booked.counsellor,
        "start": at(2).isoformat(), "end": booked.ends_at.isoformat(), "channel": "web",
        "modality": "op_locatie",
    }


def test_retries_book_once(service, sessions, slot):
    first = service.hold(slot, "sms", "same-request", modality="online", now=NOW)
    again = service.hold(slot, "sms", "same-request", modality="online", now=NOW)
    assert again.reference == first.reference
    for _ in range(3):
        service.confirm(first.reference, insz=CITIZEN, phone="+32470123456", now=NOW)
    assert [r for r in ledger(sessions) if r[0] == "reserve"] == [("reserve", -BLOCK, first.reference)]
    assert len(outbox(sessions)) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 1
    with pytest.raises(IdempotencyConflict):
        service.hold(slot + 1, "sms", "same-request", modality="online", now=NOW)


def test_someone_else_cannot_confirm_a_confirmed_booking(service, slot):
    held = service.hold(slot, "web", "r", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    with pytest.raises(NotYourBooking):
        service.confirm(held.reference, insz=OTHER_CITIZEN, now=NOW)


def test_a_held_slot_is_not_offered_and_cannot_be_held_again(service, slot):
    service.hold(slot, "web", "a", modality="online", now=NOW)
    assert service.free_slots(None, "online", NOW.date(), now=NOW) == []
    with pytest.raises(SlotUnavailable, match="iemand anders"):
        service.hold(slot, "web", "b", modality="online", now=NOW)


def test_hold_expiry_frees_the_slot(service, sessions, slot):
    first = service.hold(slot, "web", "a", modality="online", now=NOW)
    later = NOW + service.hold_time + dt.timedelta(seconds=1)
    assert [o.slot_id for o in service.free_slots(None, "online", NOW.date(), now=later)] == [slot]
    second = service.hold(slot, "voice", "b", modality="telefoon", now=later)
    assert second.reference != first.reference
    with pytest.raises(HoldExpired):
        service.confirm(first.reference, insz=CITIZEN, now=later)
    assert service.show(first.reference).status == "expired"
    assert service.confirm(second.reference, insz=OTHER_CITIZEN, now=later).status == "confirmed"


def test_a_late_confirm_still_works_when_nobody_took_the_slot(service, slot):
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    late = NOW + service.hold_time * 3
    assert service.confirm(held.reference, insz=CITIZEN, now=late).status == "confirmed"


def test_expire_holds_sweeps_everything_that_ran_out(service, make, slot):
    other = make.slot(make.counsellor(), at(3))
    service.hold(slot, "web", "a", modality="online", now=NOW)
    service.hold(other, "web", "b", modality="online", now=NOW + dt.timedelta(minutes=5))
    assert service.expire_holds(NOW + service.hold_time + dt.timedelta(minutes=1)) == 1


def test_cancel_24h_or_more_before_refunds(service, sessions, slot):
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, phone="0470123456", now=NOW)
    exactly_on_time = at(2) - service.free_cancellation
    result = service.cancel(held.reference, exactly_on_time)
    assert result.booking.status == "cancelled"
    assert result.refunded_hours == figures.hours(BLOCK)
    assert "terug" in result.message
    assert ledger(sessions)[-1] == ("refund", BLOCK, held.reference)
    assert service.remaining_hours(insz=CITIZEN) == figures.hours(CREDIT)
    assert service.cancel(held.reference, exactly_on_time).refunded_hours == result.refunded_hours
    assert len([r for r in ledger(sessions) if r[0] == "refund"]) == 1  # the retry refunded nothing
    assert "geannuleerd" in outbox(sessions)[-1].body
    with sessions() as session:
        assert session.scalars(select(Booking)).one().phone is None
    # The slot is free again.
    assert service.free_slots(None, "online", NOW.date(), now=NOW)[0].slot_id == slot


def test_cancel_less_than_24h_before_does_not_refund_and_says_so(service, sessions, slot):
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    too_late = at(2) - service.free_cancellation + dt.timedelta(minutes=1)
    result = service.cancel(held.reference, too_late)
    assert result.refunded_hours == 0
    assert "niet terug" in result.message
    assert service.remaining_hours(insz=CITIZEN) == figures.hours(CREDIT - BLOCK)


def test_cancelling_a_hold_moves_no_hours(service, sessions, slot):
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    result = service.cancel(held.reference, NOW)
    assert result.refunded_hours == 0 and "geen uren" in result.message
    assert ledger(sessions) == []


def test_reschedule_moves_atomically_and_keeps_the_debit(service, sessions, make, slot):
    counsellor = make.counsellor(name="Wout Maes")
    new_slot = make.slot(counsellor, at(4, 13, 30))
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, phone="0470123456", now=NOW)
    moved = service.reschedule(held.reference, new_slot, NOW)
    assert moved.reference == held.reference and moved.status == "confirmed"
    assert moved.starts_at == at(4, 13, 30) and moved.counsellor == "Wout Maes"
    assert [o.slot_id for o in service.free_slots(None, "online", NOW.date(), now=NOW)] == [slot]
    assert [r[0] for r in ledger(sessions)] == ["grant", "reserve"]
    assert "verplaatst" in outbox(sessions)[-1].body
    calendar = Calendar.from_ical(service.invite(held.reference, NOW))
    event = calendar.walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1


def test_reschedule_to_a_taken_slot_changes_nothing(service, make, slot):
    taken = make.slot(make.counsellor(), at(3))
    service.hold(taken, "web", "other", modality="online", now=NOW)
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    with pytest.raises(SlotUnavailable):
        service.reschedule(held.reference, taken, NOW)
    assert service.show(held.reference).starts_at == at(2)


def test_reschedule_too_late(service, make, slot):
    new_slot = make.slot(make.counsellor(), at(10))
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    with pytest.raises(TooLateToReschedule):
        service.reschedule(held.reference, new_slot, at(1, 12))


def test_credit_used_up_refuses_with_a_plain_message(service, sessions, make):
    counsellor = make.counsellor()
    slots = [make.slot(counsellor, at(2 + n)) for n in range(CREDIT // BLOCK + 1)]
    for n, slot_id in enumerate(slots[:-1]):
        held = service.hold(slot_id, "web", f"r{n}", modality="online", now=NOW)
        service.confirm(held.reference, insz=CITIZEN, now=NOW)
    assert service.remaining_hours(insz=CITIZEN) == 0
    held = service.hold(slots[-1], "web", "last", modality="online", now=NOW)
    with pytest.raises(InsufficientCredit) as refused:
        service.confirm(held.reference, insz=CITIZEN, now=NOW)
    assert "op" in str(refused.value) and refused.value.code == "insufficient_credit"
    assert service.show(held.reference).status == "held"  # nothing half-done
    assert sum(minutes for _, minutes, _ in ledger(sessions)) == 0
    # Another person is not affected.
    assert service.confirm(held.reference, insz=OTHER_CITIZEN, now=NOW).status == "confirmed"


def test_the_credit_is_granted_once_per_person(service, sessions, make):
    counsellor = make.counsellor()
    for n in range(2):
        held = service.hold(make.slot(counsellor, at(2 + n)), "web", f"r{n}", modality="online", now=NOW)
        service.confirm(held.reference, insz=CITIZEN, now=NOW)
    assert [r[0] for r in ledger(sessions)] == ["grant", "reserve", "reserve"]


def test_the_same_person_in_any_format_is_the_same_key(service, make):
    counsellor = make.counsellor()
    held = service.hold(make.slot(counsellor, at(2)), "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    dotted = f"{CITIZEN[:2]}.{CITIZEN[2:4]}.{CITIZEN[4:6]}-{CITIZEN[6:9]}.{CITIZEN[9:]}"
    assert service.remaining_hours(insz=dotted) == figures.hours(CREDIT - BLOCK)


def test_bad_input_is_refused_before_anything_is_stored(service, sessions, slot):
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    with pytest.raises(InvalidInput, match="controlecijfers"):
        service.confirm(held.reference, insz=CITIZEN[:-1] + str((int(CITIZEN[-1]) + 1) % 10), now=NOW)
    with pytest.raises(InvalidInput, match="telefoonnummer"):
        service.confirm(held.reference, insz=CITIZEN, phone="bel me maar", now=NOW)
    with pytest.raises(BookingNotFound):
        service.confirm("LK-ZZZZ", insz=CITIZEN, now=NOW)
    with pytest.raises(InvalidInput):
        service.hold(slot, "fax", "b", modality="online", now=NOW)
    assert service.show(held.reference).status == "held"


def test_modality_must_be_offered(service, make):
    online_only = make.slot(make.counsellor(modalities=("online",)), at(2))
    with pytest.raises(ModalityNotOffered):
        service.hold(online_only, "web", "a", modality="op_locatie", now=NOW)


def test_past_slots_cannot_be_held(service, slot):
    with pytest.raises(SlotUnavailable, match="voorbij"):
        service.hold(slot, "web", "a", modality="online", now=at(2, 9, 1))


def test_landline_gets_no_sms_and_is_not_kept(service, sessions, slot):
    held = service.hold(slot, "voice", "a", modality="telefoon", now=NOW)
    booked = service.confirm(held.reference, insz=CITIZEN, phone="09 123 45 67", now=NOW)
    assert not booked.sms_queued
    assert outbox(sessions) == []
    with sessions() as session:
        assert session.scalars(select(Booking)).one().phone is None


def test_confirmation_sms_and_invite(service, sessions, slot):
    held = service.hold(slot, "web", "a", modality="op_locatie", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, phone="0470 12 34 56", now=NOW)
    [sms] = outbox(sessions)
    assert sms.to_number == "+32470123456" and sms.status == "queued"
    assert held.reference in sms.body and "dinsdag 2 maart om 9 uur" in sms.body
    assert len(sms.body) <= 3 * 153  # fits three SMS segments
    calendar = Calendar.from_ical(service.invite(held.reference, NOW))
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == at(2)
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Brussels"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=BLOCK)
    assert held.reference in str(event["SUMMARY"]) and "9000" in str(event["LOCATION"])
    assert calendar.walk("VTIMEZONE")
    assert CITIZEN not in service.invite(held.reference, NOW).decode()


def test_online_invite_location(service, slot):
    held = service.hold(slot, "web", "a", modality="telefoon", now=NOW)
    event = Calendar.from_ical(service.invite(held.reference, NOW)).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "telefoon"


def test_everything_is_audited_without_personal_data(service, sessions, slot):
    held = service.hold(slot, "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, phone="0470123456", now=NOW)
    service.cancel(held.reference, NOW, actor="staff:an")
    with sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor) for e in entries] == [
        ("hold", "web"), ("confirm", "web"), ("cancel", "staff:an")
    ]
    assert all(e.subject == held.reference for e in entries)
    assert "470" not in repr([e.detail for e in entries])


def test_reference_normalisation():
    assert normalise_reference("lk-7k3p") == "LK-7K3P"
    assert normalise_reference(" LK 7K3P ") == "LK-7K3P"
    assert normalise_reference("7k3p") == "LK-7K3P"
    assert BRUSSELS.key == "Europe/Brussels"


def test_only_the_owner_may_cancel_or_move_a_booking(service, sessions, make, slot):
    from verwijzing.privacy.insz import citizen_key

    other_slot = make.slot(make.counsellor(), at(3))
    held = service.hold(slot, "web", "owner", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, now=NOW)
    stranger = citizen_key(OTHER_CITIZEN, PEPPER)
    with pytest.raises(NotYourBooking):
        service.cancel(held.reference, NOW, owner_key=stranger)
    with pytest.raises(NotYourBooking):
        service.reschedule(held.reference, other_slot, NOW, owner_key=stranger)
    assert service.show(held.reference).status == "confirmed"
    owner = citizen_key(CITIZEN, PEPPER)
    assert service.reschedule(held.reference, other_slot, NOW, owner_key=owner).starts_at == at(3)
    assert service.cancel(held.reference, NOW, owner_key=owner).booking.status == "cancelled"
