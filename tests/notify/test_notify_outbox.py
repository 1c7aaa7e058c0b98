"""The outbox dispatcher: claimed before sending, never twice, STOP honoured, safe with two dispatchers."""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from notify_helpers import BODY, NOW, NUMBER, SECRET, minutes, queue, row
from sqlalchemy import func, select, update

from tests.support.database import dump_rows
from verwijzing.notify import (
    OutboxDispatcher,
    SendFailed,
    opt_in,
    opt_out,
    phone_key,
    queue_sms,
)
from verwijzing.notify.optout import ChannelSecretMissing, is_opted_out
from verwijzing.notify.sms import STUCK_AFTER, retry_at
from verwijzing.store import OutboxMessage


def test_sent_once_then_the_number_is_forgotten(sessions, dispatcher, phone):
    message_id = queue(sessions)
    assert dispatcher.run_once(NOW).sent == 1
    assert dispatcher.run_once(NOW + minutes(5)).sent == 0
    assert phone.delivered == [(NUMBER, BODY)]
    message = row(sessions, message_id)
    assert message.status == "sent" and message.sent_at == NOW and message.to_number is None


def test_a_message_in_sending_is_reported_not_resent(sessions, dispatcher, phone, caplog):
    """A dispatcher that crashed after calling Twilio leaves the row in 'sending'."""
    message_id = queue(sessions)
    with sessions.begin() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                        .values(status="sending", attempts=1, claimed_at=NOW - STUCK_AFTER - minutes(1)))
    first = dispatcher.run_once(NOW)
    second = dispatcher.run_once(NOW + minutes(60))
    assert phone.delivered == []
    assert first.stuck == second.stuck == (message_id,)
    assert row(sessions, message_id).status == "sending" and row(sessions, message_id).attempts == 1
    warnings = [r for r in caplog.records if "stuck in 'sending'" in r.getMessage()]
    assert len(warnings) == 1  # once per dispatcher, not every pass
    assert "LK-7K3P" in warnings[0].getMessage() and "470123456" not in caplog.text


def test_a_message_just_claimed_by_another_dispatcher_is_not_called_stuck(sessions, dispatcher, phone):
    message_id = queue(sessions)
    with sessions.begin() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                        .values(status="sending", attempts=1, claimed_at=NOW - minutes(1)))
    assert dispatcher.run_once(NOW).stuck == ()
    assert phone.delivered == []


def test_an_unexpected_sender_error_is_not_retried(sessions, dispatcher, phone):
    class Unsure:
        calls = 0

        def send(self, to: str, body: str) -> str | None:
            self.calls += 1
            raise TimeoutError("read timed out")

    unsure = Unsure()
    message_id = queue(sessions)
    unsure_dispatcher = OutboxDispatcher(sessions, unsure, SECRET)
    assert unsure_dispatcher.run_once(NOW).unknown == 1
    assert unsure_dispatcher.run_once(NOW + minutes(30)).claimed == 0
    assert unsure.calls == 1 and row(sessions, message_id).status == "sending"


def test_a_number_that_sent_stop_gets_nothing_until_start(sessions, dispatcher, phone, caplog):
    with sessions.begin() as session:
        opt_out(session, phone_key(NUMBER, SECRET), NOW - minutes(10))
    blocked = queue(sessions)
    other = queue(sessions, to="+32470999999")
    report = dispatcher.run_once(NOW)
    assert report.opted_out == 1 and report.sent == 1
    assert phone.delivered == [("+32470999999", BODY)]
    message = row(sessions, blocked)
    assert (message.status, message.last_error, message.to_number, message.attempts) == ("failed", "opt-out", None, 0)
    assert row(sessions, other).status == "sent"
    assert "470123456" not in caplog.text

    with sessions.begin() as session:
        opt_in(session, phone_key(NUMBER, SECRET))
    queue(sessions)
    assert dispatcher.run_once(NOW + minutes(1)).sent == 1
    assert phone.delivered[-1] == (NUMBER, BODY)


def test_opt_out_is_idempotent_and_keyed_not_stored_as_a_number(sessions, db):
    key = phone_key(NUMBER, SECRET)
    with sessions.begin() as session:
        opt_out(session, key, NOW)
        opt_out(session, key, NOW + minutes(5))  # a second STOP
    with sessions() as session:
        assert is_opted_out(session, key)
        assert not is_opted_out(session, phone_key("+32470999999", SECRET))
    rows = dump_rows(db)["sms_optouts"]
    assert rows == [{"phone_key": key, "since": rows[0]["since"]}]
    assert "470123456" not in repr(rows)
    with sessions.begin() as session:
        opt_in(session, key)
        opt_in(session, key)  # START twice
    with sessions() as session:
        assert not is_opted_out(session, key)


def test_phone_key_is_a_keyed_hash_of_the_e164_number():
    key = phone_key(NUMBER, SECRET)
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == phone_key(NUMBER, SECRET)
    assert key != phone_key(NUMBER, b"another secret")
    assert key != phone_key("+32470123457", SECRET)
    with pytest.raises(ValueError):
        phone_key("0470 12 34 56", SECRET)  # typed form would get another key than Twilio's From
    with pytest.raises(ChannelSecretMissing):
        phone_key(NUMBER, b"")


def test_retry_waits_double_and_end():
    assert [retry_at(n, NOW) - NOW for n in range(1, 6)] == [minutes(m) for m in (1, 2, 4, 8, 16)]
    assert retry_at(6, NOW) is None


def test_retryable_failure_of_a_plain_sender_keeps_the_number_for_the_next_try(sessions, caplog):
    class Down:
        def send(self, to: str, body: str) -> str | None:
            raise SendFailed("provider down", retryable=True)

    message_id = queue(sessions)
    assert OutboxDispatcher(sessions, Down(), SECRET).run_once(NOW).retry_later == 1
    message = row(sessions, message_id)
    assert message.status == "queued" and message.attempts == 1 and message.to_number == NUMBER
    assert "470123456" not in caplog.text


class CountingPhone:
    """Thread-safe; slow enough that two dispatchers really overlap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> str | None:
        time.sleep(0.002)
        with self.lock:
            self.received.append((to, threading.current_thread().name))
        return None


def test_two_dispatchers_racing_send_every_message_exactly_once(sessions):
    numbers = [f"+3247{i:07d}" for i in range(120)]
    with sessions.begin() as session:
        for number in numbers:
            queue_sms(session, to=number, body=BODY, at=NOW)
    phone = CountingPhone()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        dispatcher = OutboxDispatcher(sessions, phone, SECRET, limit=5)
        try:
            start.wait()
            while dispatcher.run_once(NOW).busy:
                pass
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run, name=f"dispatcher-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    sent = Counter(number for number, _ in phone.received)
    assert sent == Counter(numbers)  # each once, none missing
    by_dispatcher = Counter(name for _, name in phone.received)
    assert set(by_dispatcher) == {"dispatcher-1", "dispatcher-2"}, by_dispatcher
    with sessions() as session:
        assert session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == len(numbers)
