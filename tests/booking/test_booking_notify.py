"""Phone numbers, the outbox and its local sender."""
from __future__ import annotations

import pytest
from booking_helpers import CITIZEN, NOW, at
from sqlalchemy import select

from verwijzing.notify import (
    InvalidPhone,
    LocalOutboxSender,
    OutboxDispatcher,
    SendFailed,
    can_receive_sms,
    normalise_phone,
)
from verwijzing.store import OutboxMessage

CHANNEL_SECRET = b"booking-tests-channel-secret"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("0470 12 34 56", "+32470123456"), ("+32 470 12.34.56", "+32470123456"),
     ("0032470123456", "+32470123456"), ("09/123 45 67", "+3291234567"), ("+31 6 12345678", "+31612345678")],
)
def test_phone_numbers(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("typed", ["", "bel me", "0470", "+32 470 12 34 56 78"])
def test_bad_phone_numbers(typed):
    with pytest.raises(InvalidPhone) as caught:
        normalise_phone(typed)
    assert "bijvoorbeeld" in str(caught.value) or "Typ het zo" in str(caught.value)
    assert "56 78" not in str(caught.value)  # the typed number is not repeated


def test_only_mobiles_get_sms():
    assert can_receive_sms("+32470123456")
    assert not can_receive_sms("+3291234567")


def test_dispatch_sends_once_and_forgets_the_number(service, sessions, make):
    held = service.hold(make.slot(make.counsellor(), at(2)), "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, phone="0470123456", now=NOW)
    sender = LocalOutboxSender()
    assert OutboxDispatcher(sessions, sender, CHANNEL_SECRET).run_once(NOW).sent == 1
    assert OutboxDispatcher(sessions, sender, CHANNEL_SECRET).run_once(NOW).sent == 0
    assert len(sender.delivered) == 1 and sender.delivered[0][0] == "+32470123456"
    with sessions() as session:
        message = session.scalars(select(OutboxMessage)).one()
    assert message.status == "sent" and message.to_number is None and message.sent_at == NOW


def test_a_failing_sender_leaves_the_message_queued(service, sessions, make, caplog):
    class Broken:
        def send(self, to: str, body: str) -> None:
            raise SendFailed("provider down", retryable=True)  # certainly not sent: retried later

    held = service.hold(make.slot(make.counsellor(), at(2)), "web", "a", modality="online", now=NOW)
    service.confirm(held.reference, insz=CITIZEN, phone="0470123456", now=NOW)
    assert OutboxDispatcher(sessions, Broken(), CHANNEL_SECRET).run_once(NOW).sent == 0
    with sessions() as session:
        message = session.scalars(select(OutboxMessage)).one()
    assert message.status == "queued" and message.attempts == 1 and message.to_number
    assert "0470123456" not in caplog.text and "+32470123456" not in caplog.text
