"""Shared by the outbox tests: a clock, a secret, and ways to put messages in and read them back."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.notify import queue_sms
from verwijzing.store import OutboxMessage

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
SECRET = b"test-channel-secret-not-for-production"
NUMBER = "+32470123456"
BODY = "Je afspraak voor loopbaanbegeleiding staat vast.\nReferentie: LK-7K3P. Tot dan!"


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def queue(sessions: sessionmaker[Session], to: str = NUMBER, body: str = BODY, reference: str = "LK-7K3P") -> int:
    with sessions.begin() as session:
        message = queue_sms(session, to=to, body=body, at=NOW, booking_reference=reference)
        session.flush()
        return message.id


def row(sessions: sessionmaker[Session], message_id: int) -> OutboxMessage:
    with sessions() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.id == message_id)).one()
