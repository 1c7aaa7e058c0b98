"""SMS through a transactional outbox.

Booking code never talks to an SMS provider. It calls `queue_sms` inside its own transaction,
so a message exists if and only if the booking it announces was committed (no SMS about a
booking that rolled back, no booking whose SMS was lost). `dispatch_outbox` later hands queued
messages to an `SmsSender`: `LocalOutboxSender` here, a Twilio sender later.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.notify.phone import mask
from verwijzing.store.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> None:
        """Deliver one message to an E.164 number, or raise."""


class LocalOutboxSender:
    """Local adapter mode: nothing leaves the machine.

    The outbox table is the local "phone": messages stay readable there (status "sent"), and
    this sender also keeps them in memory for tests and the staff console. No provider account or
    network is needed, so the whole assistant runs on a laptop."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        self.delivered.append((to, body))
        log.info("local SMS mode: message to %s kept in the outbox, not sent", mask(to))


def queue_sms(
    session: Session, *, to: str, body: str, at: dt.datetime, booking_reference: str | None = None
) -> OutboxMessage:
    message = OutboxMessage(
        created_at=at,
        to_number=to,
        body=body,
        status=OutboxStatus.QUEUED.value,
        booking_reference=booking_reference,
        attempts=0,
    )
    session.add(message)
    return message


def dispatch_outbox(
    sessions: sessionmaker[Session], sender: SmsSender, *, now: dt.datetime, limit: int = 50
) -> int:
    """Send up to `limit` queued messages; returns how many were sent. A failed one stays queued
    and is tried again next time. On PostgreSQL several dispatchers can run: each takes rows
    the others have not locked."""
    sent = 0
    with sessions.begin() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.QUEUED.value)
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.attempts += 1
            if not row.to_number:
                continue
            try:
                sender.send(row.to_number, row.body)
            except Exception:  # noqa: BLE001 - any provider failure: keep it queued, go on
                log.warning("SMS %s to %s failed; it stays queued", row.id, mask(row.to_number), exc_info=True)
                continue
            row.status = OutboxStatus.SENT.value
            row.sent_at = now
            # Delivered: the number has done its job and is not kept.
            row.to_number = None
            sent += 1
    return sent
