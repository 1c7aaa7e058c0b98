"""The Twilio adapter: the request exactly as Twilio's API takes it, and what each answer does to the outbox."""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import pytest
from fake_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    FROM_NUMBER,
    MESSAGING_SERVICE_SID,
    FakeTwilio,
    error_21211,
)
from notify_helpers import BODY, NOW, NUMBER, SECRET, minutes, queue, row
from twilio.http.http_client import TwilioHttpClient

from verwijzing.notify import OutboxDispatcher, SendFailed
from verwijzing.notify.sms import MAX_ATTEMPTS, STUCK_AFTER
from verwijzing.notify.twilio_sender import TwilioSender

MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def twilio(*statuses, sender: str = FROM_NUMBER) -> tuple[TwilioSender, FakeTwilio]:
    fake = FakeTwilio(list(statuses))
    return TwilioSender(ACCOUNT_SID, AUTH_TOKEN, sender, http_client=fake), fake


def test_the_request_is_twilios_messages_create_with_basic_auth():
    sender, fake = twilio(201)
    sid = sender.send(NUMBER, BODY)
    [request] = fake.requests
    assert request.method == "POST"
    assert request.url == MESSAGES_URL
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.form == {"To": NUMBER, "From": FROM_NUMBER, "Body": BODY}
    assert sid == request.sid and sid.startswith("SM") and len(sid) == 34


def test_a_messaging_service_sends_without_a_from_number():
    sender, fake = twilio(201, sender=MESSAGING_SERVICE_SID)
    sender.send(NUMBER, BODY)
    assert fake.requests[0].form == {"To": NUMBER, "MessagingServiceSid": MESSAGING_SERVICE_SID, "Body": BODY}


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limit_and_server_errors_are_worth_a_retry(status):
    sender, _ = twilio(status)
    with pytest.raises(SendFailed) as failed:
        sender.send(NUMBER, BODY)
    assert failed.value.retryable and str(status) in failed.value.reason


def test_an_invalid_number_is_final_and_the_reason_does_not_repeat_it():
    sender, _ = twilio(error_21211(NUMBER))
    with pytest.raises(SendFailed) as failed:
        sender.send(NUMBER, BODY)
    assert not failed.value.retryable
    assert "21211" in failed.value.reason and "400" in failed.value.reason
    assert "470" not in failed.value.reason


def test_429_then_500_then_sent_with_growing_waits_and_exactly_one_sms(sessions, caplog):
    sender, fake = twilio(429, 500, 201)
    dispatcher = OutboxDispatcher(sessions, sender, SECRET)
    message_id = queue(sessions)

    assert dispatcher.run_once(NOW).retry_later == 1
    first = row(sessions, message_id)
    assert (first.status, first.attempts, first.next_attempt_at) == ("queued", 1, NOW + minutes(1))
    assert "429" in first.last_error and first.to_number == NUMBER

    assert not dispatcher.run_once(NOW + minutes(0.5)).busy  # not due yet: Twilio is left alone
    assert len(fake.requests) == 1

    assert dispatcher.run_once(NOW + minutes(1)).retry_later == 1
    second = row(sessions, message_id)
    assert (second.status, second.attempts, second.next_attempt_at) == ("queued", 2, NOW + minutes(3))

    assert dispatcher.run_once(NOW + minutes(3)).sent == 1
    sent = row(sessions, message_id)
    assert sent.status == "sent" and sent.sent_at == NOW + minutes(3) and sent.attempts == 3
    assert sent.provider_id == fake.created[0].sid
    assert sent.to_number is None and sent.next_attempt_at is None

    assert not dispatcher.run_once(NOW + minutes(60)).busy
    assert [r.status for r in fake.requests] == [429, 500, 201]
    assert len(fake.created) == 1
    assert NUMBER not in caplog.text and "470123456" not in caplog.text


def test_a_lasting_outage_gives_up_after_the_last_attempt(sessions):
    sender, fake = twilio(*[500] * 10)
    dispatcher = OutboxDispatcher(sessions, sender, SECRET)
    message_id = queue(sessions)
    waits = []
    now = NOW
    for _ in range(MAX_ATTEMPTS):
        dispatcher.run_once(now)
        message = row(sessions, message_id)
        if message.next_attempt_at:
            waits.append(message.next_attempt_at - now)
            now = message.next_attempt_at
    assert waits == [minutes(1), minutes(2), minutes(4), minutes(8), minutes(16)]
    final = row(sessions, message_id)
    assert final.status == "failed" and final.attempts == MAX_ATTEMPTS and final.to_number is None
    dispatcher.run_once(now + minutes(120))
    assert len(fake.requests) == MAX_ATTEMPTS


def test_a_permanent_400_fails_at_once_and_is_never_retried(sessions, caplog):
    sender, fake = twilio(error_21211(NUMBER))
    dispatcher = OutboxDispatcher(sessions, sender, SECRET)
    message_id = queue(sessions)
    assert dispatcher.run_once(NOW).failed == 1
    message = row(sessions, message_id)
    assert message.status == "failed" and message.attempts == 1 and message.to_number is None
    assert "21211" in message.last_error and "470" not in message.last_error
    for later in (1, 2, 60, 24 * 60):
        assert not dispatcher.run_once(NOW + minutes(later)).busy
    assert len(fake.requests) == 1
    assert "470123456" not in caplog.text


# ---- the real transport (requests, urllib3) against local sockets --------------------------


class Redirected(TwilioHttpClient):
    """Twilio's own HTTP client, but api.twilio.com is a local socket: what requests raises
    when a connection is refused or an answer never comes is the real thing."""

    def __init__(self, port: int, timeout: float):
        super().__init__(timeout=timeout)
        self.port = port

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url.replace("https://api.twilio.com", f"http://127.0.0.1:{self.port}"),
                               *args, **kwargs)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent_server():
    """Accepts the connection, reads the request, never answers: Twilio may have the message."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    got_request = threading.Event()
    done = threading.Event()

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(65536)
            got_request.set()
            done.wait(10)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], got_request
    finally:
        done.set()
        thread.join(5)
        server.close()


def test_a_refused_connection_is_retried_later(sessions):
    client = Redirected(closed_port(), timeout=5)
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, http_client=client)
    dispatcher = OutboxDispatcher(sessions, sender, SECRET)
    message_id = queue(sessions)
    try:
        assert dispatcher.run_once(NOW).retry_later == 1
    finally:
        client.session.close()
    message = row(sessions, message_id)
    assert message.status == "queued" and message.next_attempt_at == NOW + minutes(1)
    assert "unreachable" in message.last_error


def test_no_answer_after_the_request_went_out_leaves_it_in_sending_and_never_resends(sessions, caplog):
    with silent_server() as (port, got_request):
        client = Redirected(port, timeout=0.5)
        sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, http_client=client)
        dispatcher = OutboxDispatcher(sessions, sender, SECRET)
        message_id = queue(sessions)
        try:
            report = dispatcher.run_once(NOW)
        finally:
            client.session.close()
        assert got_request.is_set()
    assert report.unknown == 1 and report.sent == 0
    message = row(sessions, message_id)
    assert message.status == "sending" and message.attempts == 1 and message.to_number == NUMBER
    later = dispatcher.run_once(NOW + STUCK_AFTER + minutes(1))
    assert later.claimed == 0 and later.stuck == (message_id,)
    assert row(sessions, message_id).attempts == 1
    assert f"SMS {message_id} (booking LK-7K3P) is stuck in 'sending'" in caplog.text
    assert "470123456" not in caplog.text
