"""The reminder SMS the day before a block: once, on the right day and hours, only for
confirmed bookings that keep a phone number, never to a number that sent STOP."""
from __future__ import annotations

import datetime as dt

import pytest
from worker_helpers import (
    BLOCK,
    BOOKED_AT,
    PHONE,
    SECRET,
    at,
    book,
    booking,
    counsellor,
    outbox,
    reminders,
    service,
    slot,
    worker_jobs,
)

from verwijzing.enums import OutboxStatus
from verwijzing.notify import LocalOutboxSender, opt_out, phone_key
from verwijzing.worker.reminders import queue_reminders, reminder_day


@pytest.mark.parametrize(("now", "day"), [
    (at(3, 10), dt.date(2027, 3, 4)),
    (at(3, 19, 59), dt.date(2027, 3, 4)),
    (at(3, 9, 59), None),  # too early in the morning
    (at(3, 20), None),  # too late in the evening
    # 23.30 UTC on 2 March is already 3 March in Brussels, but 0.30 at night: no SMS.
    (dt.datetime(2027, 3, 2, 23, 30, tzinfo=dt.UTC), None),
    # 9.30 UTC in summer time is 11.30 in Brussels: tomorrow in Brussels' calendar.
    (dt.datetime(2027, 7, 6, 9, 30, tzinfo=dt.UTC), dt.date(2027, 7, 7)),
])
def test_reminders_go_out_the_day_before_during_the_day_in_brussels_time(now, day):
    assert reminder_day(now) == day


def test_one_reminder_the_day_before_with_what_is_true_and_how_to_cancel(sessions):
    reference = book(sessions, slot(sessions, counsellor(sessions, "Els Wouters", "9000"), BLOCK))

    assert queue_reminders(sessions, at(2, 12)) == {"queued": 0}  # two days before: not yet
    assert queue_reminders(sessions, at(3, 10, 30)) == {"queued": 1}
    assert queue_reminders(sessions, at(3, 10, 35)) == {"queued": 0}  # once
    assert queue_reminders(sessions, at(3, 18)) == {"queued": 0}

    (reminder,) = reminders(sessions)
    assert reminder.to_number == PHONE
    assert reminder.booking_reference == reference
    assert reminder.status == OutboxStatus.QUEUED
    assert reminder.body == (
        "Herinnering: morgen heb je een afspraak voor loopbaanbegeleiding. Dat is donderdag 4 maart om 9 uur, "
        f"met Els Wouters, op kantoor (9000). Referentie: {reference}. Kan je niet komen? Antwoord dan op "
        f"deze sms met: annuleer {reference}"
    )


def test_no_reminder_for_a_cancelled_booking_or_one_without_phone(sessions):
    els = counsellor(sessions)
    cancelled = book(sessions, slot(sessions, els, BLOCK), 1)
    service(sessions).cancel(cancelled, now=at(2, 12))
    book(sessions, slot(sessions, els, at(4, 13, 30)), 2, phone=None)

    assert queue_reminders(sessions, at(3, 11)) == {"queued": 0}
    assert reminders(sessions) == []


def test_no_reminder_when_booked_on_the_day_before_itself(sessions):
    """The confirmation SMS of this morning says it all; a reminder an hour later is noise."""
    book(sessions, slot(sessions, counsellor(sessions), BLOCK), now=at(3, 9))
    assert queue_reminders(sessions, at(3, 10)) == {"queued": 0}


def test_a_moved_booking_gets_a_reminder_for_its_new_moment(sessions):
    els = counsellor(sessions)
    # In the afternoon: the reminder goes out more than the 24 hours before that moving still may.
    reference = book(sessions, slot(sessions, els, at(4, 15, 30)))
    assert queue_reminders(sessions, at(3, 10)) == {"queued": 1}
    later = slot(sessions, els, at(9, 9))
    service(sessions).reschedule(reference, later, now=at(3, 10, 5))

    assert queue_reminders(sessions, at(3, 11)) == {"queued": 0}  # the new moment is next week
    assert queue_reminders(sessions, at(8, 10)) == {"queued": 1}
    assert [m.body.split(". Dat is ")[1][:24] for m in reminders(sessions)] == [
        "donderdag 4 maart om 15.", "dinsdag 9 maart om 9 uur"]
    assert booking(sessions, reference).reminded_slot_id == later


def test_the_worker_sends_the_reminder_once_but_never_to_a_number_that_sent_stop(sessions):
    els = counsellor(sessions)
    book(sessions, slot(sessions, els, BLOCK), 1, phone="0470 12 34 56")
    stopped = "+32471999888"
    book(sessions, slot(sessions, els, at(4, 13, 30)), 2, phone=stopped)
    phone = LocalOutboxSender()
    worker_jobs(sessions, BOOKED_AT, phone=phone)["sms"].run()  # the two confirmations
    with sessions.begin() as session:
        opt_out(session, phone_key(stopped, SECRET), at(2, 18))

    for minute in (0, 5, 10):
        jobs = worker_jobs(sessions, at(3, 10, minute), phone=phone)
        jobs["reminders"].run()
        jobs["sms"].run()

    delivered = [(to, body.split(":")[0]) for to, body in phone.delivered]
    assert delivered.count((PHONE, "Herinnering")) == 1
    assert (stopped, "Herinnering") not in delivered
    assert len(delivered) == 3  # two confirmations and one reminder
    assert {m.last_error for m in reminders(sessions) if m.status == OutboxStatus.FAILED} == {"opt-out"}
    assert all(m.status in (OutboxStatus.SENT, OutboxStatus.FAILED) for m in outbox(sessions))
