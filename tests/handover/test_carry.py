"""Carrying an SMS conversation to the web, on a real database (SQLite and PostgreSQL): a one-time
code goes only to the phone of an SMS conversation's case, one at a time and three a day; a wrong
code uses a try, the fifth ends it, an old one ends it; the right one gives the conversation once.
And every conversation has a case with a code from its first message."""
from __future__ import annotations

import datetime as dt

from verwijzing.enums import CaseStatus, Channel
from verwijzing.handover import carry, queue
from verwijzing.nl_be import BRUSSELS
from verwijzing.privacy.codes import TRIES, VALID_FOR
from verwijzing.privacy.sealed import seal
from verwijzing.store import make_sessionmaker
from verwijzing.store.case_models import Case
from verwijzing.store.models import Referral

SECRET = b"carry-test-secret"
PHONE = "+32470123456"
MONDAY_10 = dt.datetime(2027, 3, 1, 10, tzinfo=BRUSSELS)


def sms_case(db, sender: str = "sms-" + "a" * 40) -> str:
    with make_sessionmaker(db).begin() as session:
        return queue.ensure_case(session, sender, Channel.SMS, MONDAY_10, seal(PHONE, SECRET)).code


def ask(db, code: str, at: dt.datetime = MONDAY_10) -> tuple[str, str] | None:
    with make_sessionmaker(db).begin() as session:
        return carry.request_code(session, code, SECRET, at)


def confirm(db, code: str, digits: str, at: dt.datetime = MONDAY_10) -> carry.Confirmation:
    with make_sessionmaker(db).begin() as session:
        return carry.confirm(session, code, digits, SECRET, at)


def test_every_conversation_gets_one_case_with_the_assistant_from_its_first_message(db):
    with make_sessionmaker(db).begin() as session:
        first = queue.ensure_case(session, "web-1", Channel.WEB, MONDAY_10)
        again = queue.ensure_case(session, "web-1", Channel.WEB, MONDAY_10 + dt.timedelta(hours=1))
        assert (again.id, again.code, again.status) == (first.id, first.code, CaseStatus.ASSISTANT.value)
        assert queue.waiting(session) == []  # with the assistant: not in the staff queue
        # Asking for a person later puts the same case, with the same code, in the queue.
        assert queue.open_case(session, "web-1", Channel.WEB, MONDAY_10).code == first.code
        assert [c.code for c in queue.waiting(session)] == [first.code]


def test_the_one_time_code_goes_to_the_phone_of_the_sms_conversation_only(db):
    code = sms_case(db)
    phone, digits = ask(db, code.lower())  # typed as people type it
    assert phone == PHONE and len(digits) == 6 and digits.isdigit()
    with make_sessionmaker(db).begin() as session:
        web = queue.ensure_case(session, "web-2", Channel.WEB, MONDAY_10).code
    assert ask(db, web) is None  # a web conversation has no phone to prove anything with
    assert ask(db, "HK7M3P") is None  # no such case: nothing sent (and the page says the same)


def test_one_code_at_a_time_and_three_a_day(db):
    code = sms_case(db)
    assert ask(db, code) is not None
    assert ask(db, code, MONDAY_10 + dt.timedelta(minutes=5)) is None  # the first still holds
    later = MONDAY_10 + VALID_FOR + dt.timedelta(seconds=1)
    assert ask(db, code, later) is not None
    assert ask(db, code, later + VALID_FOR + dt.timedelta(seconds=1)) is not None
    assert ask(db, code, later + 2 * (VALID_FOR + dt.timedelta(seconds=1))) is None  # three today
    assert ask(db, code, MONDAY_10 + dt.timedelta(days=1)) is not None  # a new day


def test_the_right_code_gives_the_conversation_once(db):
    sender = "sms-" + "b" * 40
    code = sms_case(db, sender)
    _, digits = ask(db, code)
    assert confirm(db, code, f"{digits[:3]} {digits[3:]}") == carry.Confirmation(sender)
    assert confirm(db, code, digits).refusal is carry.Refusal.ENDED  # used: a replay gets nothing


def test_wrong_codes_use_tries_and_the_last_one_ends_it(db):
    code = sms_case(db)
    _, digits = ask(db, code)
    wrong = f"{(int(digits) + 1) % 10 ** 6:06d}"
    assert confirm(db, code, "geen cijfers") == carry.Confirmation(None, carry.Refusal.WRONG, TRIES)  # no try used
    for left in range(TRIES - 1, 0, -1):
        assert confirm(db, code, wrong) == carry.Confirmation(None, carry.Refusal.WRONG, left)
    assert confirm(db, code, wrong).refusal is carry.Refusal.ENDED
    assert confirm(db, code, digits).refusal is carry.Refusal.ENDED  # too late, even the right one


def test_an_old_code_ends(db):
    code = sms_case(db)
    _, digits = ask(db, code)
    assert confirm(db, code, digits, MONDAY_10 + VALID_FOR + dt.timedelta(seconds=1)).refusal is carry.Refusal.ENDED


# ---- web → SMS -----------------------------------------------------------------------------------

WEB = "web-" + "w" * 32
SMS = "sms-" + "d" * 40


def web_case(db) -> str:
    with make_sessionmaker(db).begin() as session:
        return queue.ensure_case(session, WEB, Channel.WEB, MONDAY_10).code


def test_a_code_for_a_phone_holds_for_that_phone_only(db):
    web_case(db)
    with make_sessionmaker(db).begin() as session:
        digits = carry.request_code_for_phone(session, WEB, PHONE, SECRET, MONDAY_10)
        assert carry.request_code_for_phone(session, WEB, "+32471000000", SECRET, MONDAY_10) is None  # one at a time
        assert carry.request_code_for_phone(session, SMS, PHONE, SECRET, MONDAY_10) is None  # no such web case
    with make_sessionmaker(db).begin() as session:
        other = carry.confirm_for_phone(session, WEB, "+32471000000", digits, SECRET, MONDAY_10)
        assert other.refusal is carry.Refusal.WRONG  # the right digits, but for another phone
        assert carry.confirm_for_phone(session, WEB, PHONE, digits, SECRET, MONDAY_10) == carry.Confirmation(WEB)


def test_moving_takes_the_case_and_referrals_and_replaces_an_earlier_sms_case(db):
    code = web_case(db)
    with make_sessionmaker(db).begin() as session:
        earlier = queue.ensure_case(session, SMS, Channel.SMS, MONDAY_10, seal(PHONE, SECRET)).code
        session.add(Referral(created_at=MONDAY_10, route="loopbaankrediet", regime="loopbaankrediet",
                             in_aanmerking=True, channel="web", facts={}, decision={}, conversation_id=WEB))
        assert not carry.sms_conversation_busy(session, SMS)
    with make_sessionmaker(db).begin() as session:
        carry.move(session, WEB, SMS, seal(PHONE, SECRET))
    with make_sessionmaker(db)() as session:
        (case,) = session.query(Case).all()
        assert (case.code, case.conversation_id, case.channel) == (code, SMS, "sms") and case.phone_sealed
        assert session.query(Referral.conversation_id).scalar() == SMS
        assert queue.find(session, earlier) is None


def test_an_sms_conversation_with_a_person_is_not_replaced(db):
    with make_sessionmaker(db).begin() as session:
        queue.open_case(session, SMS, Channel.SMS, MONDAY_10, seal(PHONE, SECRET))
        assert carry.sms_conversation_busy(session, SMS)
