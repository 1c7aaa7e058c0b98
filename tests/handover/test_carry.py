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
