"""The hand-over's queue on a real database (SQLite and PostgreSQL): a case per conversation with a
code a person can say, the place in the queue, one consulent only for a case (also when two take
it at the same moment), messages kept without a readable number, and when a consulent is on duty."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from tests.support.database import valid_insz
from verwijzing.enums import CaseAuthor, CaseStatus, Channel
from verwijzing.handover import queue
from verwijzing.handover.codes import ALPHABET, new_code, normalise_code
from verwijzing.handover.duty import BadOfficeHours, on_duty, parse_office_hours, set_available
from verwijzing.handover.texts import CALLBACK_SMS_START, callback_sms
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.sms import queue_sms
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_sessionmaker
from verwijzing.store.case_models import Case, CaseMessage
from verwijzing.store.conversations import erase_conversation

MONDAY_10 = dt.datetime(2027, 3, 1, 10, tzinfo=BRUSSELS)


def test_codes_have_no_look_alikes_and_are_read_as_people_type_them():
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)
    code = new_code()
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert normalise_code(f" {code[:2].lower()}-{code[2:]} ") == code
    assert normalise_code("HK7M5P") is None  # a 5 is never in a code (it looks like an S)
    assert normalise_code("ABC") is None and normalise_code("") is None


def test_a_case_per_conversation_in_the_order_people_asked(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        first = queue.open_case(session, "web-1", Channel.WEB, MONDAY_10)
        second = queue.open_case(session, "sms-2", Channel.SMS, MONDAY_10 + dt.timedelta(minutes=1), "sealed")
        again = queue.open_case(session, "web-1", Channel.WEB, MONDAY_10 + dt.timedelta(minutes=2))
        assert again.id == first.id and first.code != second.code
        assert [queue.place_in_queue(session, c) for c in (first, second)] == [1, 2]
        assert [c.code for c in queue.waiting(session)] == [first.code, second.code]
        assert queue.find(session, first.code.lower()).id == first.id


def test_one_consulent_takes_a_case_and_the_next_in_line_moves_up(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        first = queue.open_case(session, "web-1", Channel.WEB, MONDAY_10)
        second = queue.open_case(session, "web-2", Channel.WEB, MONDAY_10 + dt.timedelta(minutes=1))
        assert queue.take(session, first.code, "an", MONDAY_10 + dt.timedelta(minutes=4))
        assert not queue.take(session, first.code, "bart", MONDAY_10 + dt.timedelta(minutes=5))
    with sessions() as session:
        taken, waiting = queue.find(session, first.code), queue.find(session, second.code)
        assert (taken.status, taken.taken_by) == (CaseStatus.WITH_STAFF.value, "an")
        assert queue.place_in_queue(session, waiting) == 1 and queue.place_in_queue(session, taken) == 0
        assert queue.typical_wait(session) == dt.timedelta(minutes=4)
        assert [c.code for c in queue.taken_by(session, "an")] == [first.code]


@pytest.mark.parametrize("attempt", range(3))
def test_two_consulents_who_click_at_once_do_not_both_take_it(db, attempt):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        code = queue.open_case(session, f"web-{attempt}", Channel.WEB, MONDAY_10).code
    start, results = threading.Barrier(4), []

    def take(login: str) -> None:
        start.wait()
        with sessions.begin() as session:
            results.append(queue.take(session, code, login, MONDAY_10))

    threads = [threading.Thread(target=take, args=(f"consulent{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]


def test_messages_are_kept_without_a_readable_number(db):
    sessions = make_sessionmaker(db)
    insz = valid_insz(dt.date(1985, 7, 30), 33)
    with sessions.begin() as session:
        case = queue.open_case(session, "web-1", Channel.WEB, MONDAY_10)
        queue.add_message(session, case, CaseAuthor.CITIZEN, f"mijn nummer is {insz}, bel 0470 12 34 56", MONDAY_10)
    with sessions() as session:
        [kept] = session.scalars(select(CaseMessage))
        assert insz not in kept.text and "0470" not in kept.text and "[rijksregisternummer]" in kept.text


def test_a_case_handed_back_takes_the_assistant_again_and_can_join_the_queue_later(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        case = queue.open_case(session, "web-1", Channel.WEB, MONDAY_10)
        queue.take(session, case.code, "an", MONDAY_10)
        session.refresh(case)
        queue.end(session, case, CaseStatus.BACK, MONDAY_10 + dt.timedelta(minutes=9))
        assert queue.open_case_of(session, "web-1") is None
        back = queue.open_case(session, "web-1", Channel.WEB, MONDAY_10 + dt.timedelta(hours=1))
        assert back.code == case.code and back.status == CaseStatus.WAITING.value and back.taken_by is None


def test_office_hours_as_written_and_the_summer_time_of_brussels():
    hours = parse_office_hours("ma-vr 08:00-16:30")
    assert hours.open_at(MONDAY_10) and not hours.open_at(MONDAY_10.replace(hour=7, minute=59))
    assert not hours.open_at(dt.datetime(2027, 3, 6, 10, tzinfo=BRUSSELS))  # a Saturday
    # 06:30 UTC is 08:30 in Brussels in summer: open.
    assert hours.open_at(dt.datetime(2027, 7, 5, 6, 30, tzinfo=dt.UTC))
    assert parse_office_hours("ma-zo 00:00-24:00").open_at(dt.datetime(2027, 3, 7, 23, 59, 59, tzinfo=BRUSSELS))
    for wrong in ("maandag 8-16", "vr-ma 08:00-16:30", "ma 17:00-08:00", "ma 25:00-26:00", ""):
        with pytest.raises(BadOfficeHours):
            parse_office_hours(wrong)


def test_on_duty_needs_office_hours_and_a_consulent_who_is_available(db):
    sessions = make_sessionmaker(db)
    hours = parse_office_hours("ma-vr 08:00-16:30")
    with sessions.begin() as session:
        add_user(session, "an", "consulent", "een lang wachtwoord", MONDAY_10)
        assert not on_duty(session, hours, MONDAY_10)
        set_available(session, "an", hours, MONDAY_10, True)
        assert on_duty(session, hours, MONDAY_10)
        # Until the end of the day's office hours: a forgotten click does not last the night.
        assert not on_duty(session, hours, MONDAY_10.replace(hour=16, minute=31))
        set_available(session, "an", hours, MONDAY_10, False)
        assert not on_duty(session, hours, MONDAY_10)


def test_ended_cases_and_unfinished_call_backs_go_after_the_abandoned_days_open_ones_stay(db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        ended = queue.open_case(session, "web-ended", Channel.WEB, MONDAY_10)
        queue.add_message(session, ended, CaseAuthor.CITIZEN, "hallo", MONDAY_10)
        queue.end(session, ended, CaseStatus.CLOSED, MONDAY_10)
        queue.callback_case(session, "web-half", Channel.WEB, MONDAY_10, None)
        queue.open_case(session, "web-open", Channel.WEB, MONDAY_10)
        assert ended.phone_sealed is None
    with sessions.begin() as session:
        assert queue.forget_cases(session, MONDAY_10 + dt.timedelta(days=29), 30) == 0
        assert queue.forget_cases(session, MONDAY_10 + dt.timedelta(days=31), 30) == 2
    with sessions() as session:
        assert [c.conversation_id for c in session.scalars(select(Case))] == ["web-open"]
        assert session.scalars(select(CaseMessage)).all() == []  # with their case


def test_erasing_a_conversation_erases_its_case(db):
    with make_sessionmaker(db).begin() as session:
        case = queue.open_case(session, "web-wis", Channel.WEB, MONDAY_10)
        queue.add_message(session, case, CaseAuthor.CITIZEN, "mijn verhaal", MONDAY_10)
    assert erase_conversation(db, "web-wis")["cases"] == 1
    with make_sessionmaker(db)() as session:
        assert session.scalars(select(Case)).all() == [] and session.scalars(select(CaseMessage)).all() == []


def test_one_call_back_sms_a_day_per_number(db):
    """A number typed on the web is no proof: the page cannot make us text someone over and over."""
    with make_sessionmaker(db).begin() as session:
        assert not queue.callback_sms_sent_lately(session, "+32471223344", MONDAY_10, CALLBACK_SMS_START)
        queue_sms(session, to="+32471223344", body=callback_sms("in de voormiddag", "ACDEFG"), at=MONDAY_10)
        assert queue.callback_sms_sent_lately(session, "+32471223344", MONDAY_10 + dt.timedelta(hours=23),
                                              CALLBACK_SMS_START)
        assert not queue.callback_sms_sent_lately(session, "+32471223344", MONDAY_10 + dt.timedelta(hours=25),
                                                  CALLBACK_SMS_START)
        assert not queue.callback_sms_sent_lately(session, "+32470000000", MONDAY_10, CALLBACK_SMS_START)
