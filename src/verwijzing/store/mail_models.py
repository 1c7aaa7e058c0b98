"""The e-mail outbox (verwijzing.notify.mail): messages to counsellors, written in the transaction of
what they announce and sent later by the worker. Kept apart from models.py: nothing here is about
citizens.

An address and a body are kept only until the message is sent or has failed for good: an
invitation's body holds a one-time link, and neither is needed afterwards. The rows themselves go
30 days later (worker/retention.py)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from verwijzing.enums import OutboxStatus
from verwijzing.store.models import Base, _in


class MailMessage(Base):
    """One e-mail. The life of a row is the SMS outbox's: queued → sending → sent | queued again
    (later) | failed."""

    __tablename__ = "mail_outbox"
    __table_args__ = (CheckConstraint(_in("status", OutboxStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    # Cleared once the message is sent or has failed for good.
    to_address: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    # Cleared with the address: an invitation's body holds a one-time link.
    body_text: Mapped[str | None] = mapped_column(Text)
    # An iCalendar object (RFC 5545) sent as a text/calendar part, and its iTIP method
    # (REQUEST, CANCEL, …), which the part's Content-Type repeats (RFC 6047).
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(7), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A queued message is not tried before this time (backoff after a server error); None: now.
    next_attempt_at: Mapped[dt.datetime | None]
    # When a dispatcher last took the row (queued → sending): tells one in flight from one stuck.
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    # Why the last attempt failed, short and without any address (servers' replies repeat them, so
    # they are scrubbed before they get here).
    last_error: Mapped[str | None] = mapped_column(String(200))
    # The Message-ID header, made when the message is queued and the same on every try: with it a
    # message whose delivery is unknown can be found in the mail server's log.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
