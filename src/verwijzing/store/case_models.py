"""Cases: one per conversation, with the code a person gives at a counter or on the phone; it joins
the staff queue when the person asks for a person (verwijzing.handover). Kept apart from
models.py, like the staff and mail tables.

A case's messages are stored redacted (national and phone numbers masked, as Rasa's events are):
the consulent reads them as the transcript shows them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from verwijzing.enums import CallbackOutcome, CaseAuthor, CaseStatus, Channel, Daypart
from verwijzing.store.models import Base, _in


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(_in("status", CaseStatus), name="status"),
        CheckConstraint(_in("channel", Channel), name="channel"),
        CheckConstraint(f"daypart IS NULL OR {_in('daypart', Daypart)}", name="daypart"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', CallbackOutcome)}", name="outcome"),
        # The queue: the waiting cases, oldest first.
        Index("ix_cases_status_asked_at", "status", "asked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the person says at a counter or on the phone (handover/codes.py): unique, never reused.
    code: Mapped[str] = mapped_column(String(6), unique=True)
    # The channel's conversation id (the gateway's keyed id): one case per conversation.
    conversation_id: Mapped[str] = mapped_column(String(255), unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    # The number to answer (SMS) or call back, sealed with VERWIJZING_CHANNEL_SECRET (never readable).
    phone_sealed: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    asked_at: Mapped[dt.datetime]  # when it last joined the queue
    taken_by: Mapped[str | None] = mapped_column(String(80))
    taken_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    # A call back: when the person wants it, and how the call went (recorded by the consulent).
    daypart: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    # Answers the gateway could not read while asking for a call back: the second one ends it kindly.
    misses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Carrying the conversation to another channel (handover/carry.py): a keyed hash of the one-time
    # code sent to the case's phone, until when it holds, the tries used, and the codes sent today.
    carry_hash: Mapped[str | None] = mapped_column(String(64))
    carry_expires_at: Mapped[dt.datetime | None]
    carry_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    carry_sends: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    carry_day: Mapped[dt.date | None] = mapped_column(Date)


class CaseMessage(Base):
    __tablename__ = "case_messages"
    __table_args__ = (CheckConstraint(_in("author", CaseAuthor), name="author"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    author: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(2000))
