"""Retention by the worker: our tables by the policy's bewaartermijn, and Rasa's stored
conversations: events older than that period, and conversations abandoned for longer than
VERWIJZING_ABANDONED_DAYS."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from worker_helpers import (
    BLOCK,
    BOOKED_AT,
    at,
    book,
    booking,
    counsellor,
    slot,
    worker_jobs,
)

from verwijzing.enums import Channel
from verwijzing.handover import queue
from verwijzing.store.case_models import Case
from verwijzing.worker.retention import conversation_cutoffs, run_retention

NOW = at(15, 12)  # March 2027: the loopbaankrediet keeps files 5 years
DAY = dt.timedelta(days=1)


def _add(db, events, sender: str, *moments: dt.datetime) -> None:
    with db.begin() as connection:
        connection.execute(events.insert(), [
            {"sender_id": sender, "type_name": "user", "timestamp": m.timestamp(), "data": "{}"} for m in moments
        ])


def _stored(db, events) -> dict[str, int]:
    with db.connect() as connection:
        senders = connection.execute(select(events.c.sender_id)).scalars().all()
    counts: dict[str, int] = {}
    for sender in senders:
        counts[sender] = counts.get(sender, 0) + 1
    return counts


def test_cutoffs_follow_the_policy_and_the_setting():
    cutoffs = conversation_cutoffs(NOW, 5, 30)
    assert cutoffs.events_before == at(15, 12, year=2022).timestamp()
    assert cutoffs.abandoned_before == (NOW - 30 * DAY).timestamp()
    assert conversation_cutoffs(NOW, None, 30).events_before is None  # no period known: keep


def test_abandoned_conversations_and_old_events_go_recent_ones_stay(db, sessions, events):
    _add(db, events, "verlaten", NOW - 40 * DAY, NOW - 31 * DAY)
    _add(db, events, "bezig", NOW - 29 * DAY, NOW - 2 * DAY)
    # Still going after six years: its oldest message is past the policy's five years.
    _add(db, events, "lang", NOW - 6 * 365 * DAY, NOW - DAY)

    counts = worker_jobs(sessions, NOW)["retention"].run()

    assert counts["conversations_deleted"] == 1
    assert counts["events_deleted"] == 3
    assert _stored(db, events) == {"bezig": 2, "lang": 1}
    again = worker_jobs(sessions, NOW)["retention"].run()
    assert (again["conversations_deleted"], again["events_deleted"]) == (0, 0)


def test_a_conversations_case_goes_with_it_when_nobody_asked_for_a_person(db, sessions, events):
    _add(db, events, "verlaten", NOW - 40 * DAY, NOW - 31 * DAY)
    _add(db, events, "bezig", NOW - 40 * DAY, NOW - 2 * DAY)
    with sessions.begin() as session:
        for sender, began in (("verlaten", 40), ("bezig", 40), ("nooit-bewaard", 31), ("nieuw", 1)):
            queue.ensure_case(session, sender, Channel.WEB, NOW - began * DAY)
        # One who asked for a person: that case ends by its own rule (ended cases, forget_cases).
        queue.open_case(session, "gevraagd", Channel.WEB, NOW - 40 * DAY)

    counts = worker_jobs(sessions, NOW)["retention"].run()

    assert counts["conversation_cases_deleted"] == 2
    with sessions() as session:
        kept = set(session.scalars(select(Case.conversation_id)))
    # "nooit-bewaard": its first message found Rasa down, nothing stored since: it goes too.
    assert kept == {"bezig", "nieuw", "gevraagd"}


def test_the_abandoned_period_is_the_setting(db, sessions, events):
    _add(db, events, "drie-weken-stil", NOW - 21 * DAY)
    worker_jobs(sessions, NOW, abandoned_days=30)["retention"].run()
    assert _stored(db, events) == {"drie-weken-stil": 1}
    worker_jobs(sessions, NOW, abandoned_days=14)["retention"].run()
    assert _stored(db, events) == {}


def test_our_tables_too_the_phone_goes_once_the_block_is_over(sessions):
    reference = book(sessions, slot(sessions, counsellor(sessions), BLOCK))
    assert booking(sessions, reference).phone

    assert worker_jobs(sessions, BOOKED_AT)["retention"].run()["phones_cleared"] == 0
    assert worker_jobs(sessions, at(4, 12))["retention"].run()["phones_cleared"] == 1  # the block ended at 11
    assert booking(sessions, reference).phone is None


def test_without_rasa_tables_retention_still_runs(sessions):
    counts = worker_jobs(sessions, NOW)["retention"].run()
    assert (counts["events_deleted"], counts["conversations_deleted"]) == (0, 0)


def test_webhook_ids_are_forgotten_after_a_day_by_the_real_clock(sessions):
    from verwijzing.store.seen import REMEMBERED, first_time
    real_now = dt.datetime.now(dt.UTC)
    with sessions.begin() as session:
        assert first_time(session, "SM-old", real_now - REMEMBERED - dt.timedelta(minutes=1))
        assert first_time(session, "SM-new", real_now)
        assert not first_time(session, "SM-new", real_now)  # a replay
    # The stack's reference day (far in the future here) does not decide: the gateway uses real time.
    assert run_retention(sessions, at(4, 12, year=2040), real_now, 30)["webhook_ids_forgotten"] == 1
    with sessions.begin() as session:
        assert not first_time(session, "SM-new", real_now) and first_time(session, "SM-old", real_now)


def test_staff_login_counts_unused_for_an_hour_are_forgotten(sessions):
    from verwijzing.staff.accounts import FORGET_AFTER
    from verwijzing.store.staff_models import LoginThrottle
    real_now = dt.datetime.now(dt.UTC)
    with sessions.begin() as session:
        session.add_all([LoginThrottle(key="a" * 64, failures=4, not_before=real_now - FORGET_AFTER * 2),
                         LoginThrottle(key="b" * 64, failures=4, not_before=real_now)])
    assert run_retention(sessions, at(4, 12, year=2040), real_now, 30)["login_counts_forgotten"] == 1
    with sessions() as session:
        assert [t.key[0] for t in session.scalars(select(LoginThrottle))] == ["b"]


def test_tombstones_of_erased_conversations_go_after_a_day(sessions):
    """They only stop a turn in flight; kept longer they would keep the id of what was erased."""
    from verwijzing.store.conversations import TOMBSTONE_KEPT
    from verwijzing.store.models import ErasedConversation
    real_now = dt.datetime.now(dt.UTC)
    with sessions.begin() as session:
        session.add_all([
            ErasedConversation(sender_id="web-oud", erased_at=(real_now - TOMBSTONE_KEPT * 2).timestamp()),
            ErasedConversation(sender_id="web-net", erased_at=real_now.timestamp())])
    assert run_retention(sessions, at(4, 12, year=2040), real_now, 30)["tombstones_forgotten"] == 1
    with sessions() as session:
        assert [t.sender_id for t in session.scalars(select(ErasedConversation))] == ["web-net"]
