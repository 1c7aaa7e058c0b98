"""The tables. Times are stored in UTC; dates (`Slot.day`, mandate periods) are Brussels dates.

Nothing here holds a national number: a person is known only by `citizen_key`, a keyed hash
(see verwijzing.privacy.insz). Phone numbers are kept only while an SMS about a booking may still be
sent (see verwijzing.worker.retention).
"""
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from verwijzing.enums import (
    BookingStatus,
    Channel,
    Consent,
    LedgerReason,
    Modality,
    OutboxStatus,
)


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(e.value) for e in enum)})"


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, on both SQLite and PostgreSQL.

    SQLite has no time zone type and would hand back naive values; a naive value going in is
    refused because it is always a bug (whose local time?)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Counsellor(Base):
    """A loopbaanbegeleider. Bookable on a day only when both the mandate and the
    beroepskwalificatie are valid on that day (an open end date means: no end known)."""

    __tablename__ = "counsellors"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The register's key (counsellors/importer.py); None for counsellors made before the register.
    mandate_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    # Sealed with VERWIJZING_CHANNEL_SECRET (privacy/sealed.py): no phone number is stored readable.
    phone_sealed: Mapped[str | None] = mapped_column(String(300))
    office_address: Mapped[str | None] = mapped_column(String(200))
    wheelchair_access: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The private address of their agenda feed (counsellors/feed.py): the token's SHA-256 to find
    # it, and the token sealed to show the address again on their page. None: no feed (revoked).
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    feed_token_sealed: Mapped[str | None] = mapped_column(String(300))
    mandate_valid_from: Mapped[dt.date] = mapped_column(Date)
    mandate_valid_to: Mapped[dt.date | None] = mapped_column(Date)
    # None: no beroepskwalificatie (yet). The qualification only takes effect once a ministerial
    # decree sets the date, so this is data per counsellor, not a flag we could assume.
    beroepskwalificatie_valid_from: Mapped[dt.date | None] = mapped_column(Date)
    beroepskwalificatie_valid_to: Mapped[dt.date | None] = mapped_column(Date)
    office_postcode: Mapped[str] = mapped_column(String(4))
    # The shortest notice the counsellor accepts: a moment is not offered later than this many
    # hours before it starts (their own hours page sets it; counsellors/moments.py applies it).
    min_notice_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    # Their own calendar's private iCalendar address (counsellors/busy.py), sealed like the phone:
    # whoever has it reads the whole calendar. When it was last read, and why that read failed
    # (a Dutch sentence for the counsellor; None when it worked).
    busy_calendar_sealed: Mapped[str | None] = mapped_column(String(800))
    busy_checked_at: Mapped[dt.datetime | None]
    busy_problem: Mapped[str | None] = mapped_column(String(200))
    # Dutch slugs: antwerpen, limburg, oost-vlaanderen, west-vlaanderen, vlaams-brabant, brussel.
    province: Mapped[str] = mapped_column(String(20), index=True)
    region: Mapped[str] = mapped_column(String(3))  # VLG / BRU / WAL, as in domain.md

    modalities: Mapped[list[CounsellorModality]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    languages: Mapped[list[CounsellorLanguage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def modality_set(self) -> frozenset[Modality]:
        return frozenset(Modality(m.modality) for m in self.modalities)

    @property
    def language_set(self) -> frozenset[str]:
        return frozenset(lang.language for lang in self.languages)


class CounsellorModality(Base):
    """One row per way a counsellor works; a table rather than a list so SQL can filter on it
    the same way on SQLite and PostgreSQL, and a CHECK keeps the values to the known three."""

    __tablename__ = "counsellor_modalities"
    __table_args__ = (CheckConstraint(_in("modality", Modality), name="modality"),)

    counsellor_id: Mapped[int] = mapped_column(
        ForeignKey("counsellors.id", ondelete="CASCADE"), primary_key=True
    )
    modality: Mapped[str] = mapped_column(String(12), primary_key=True)


class CounsellorLanguage(Base):
    __tablename__ = "counsellor_languages"

    counsellor_id: Mapped[int] = mapped_column(
        ForeignKey("counsellors.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO 639-1, e.g. "nl"


class AvailabilityWindow(Base):
    """A counsellor's hours (counsellors/availability.py): a weekly window (`weekday`), or a date
    override (`day`) whose windows replace the weekly ones on that date; an override without
    times is a day off. Times are Brussels wall-clock times."""

    __tablename__ = "availability"
    __table_args__ = (
        CheckConstraint("(weekday IS NULL) <> (day IS NULL)", name="weekly_or_date"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("(starts IS NULL) = (ends IS NULL)", name="both_times"),
        CheckConstraint("starts IS NOT NULL OR day IS NOT NULL", name="day_off_on_a_date"),
        CheckConstraint("starts IS NULL OR ends > starts", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[dt.date | None] = mapped_column(Date)
    starts: Mapped[dt.time | None] = mapped_column(Time)
    ends: Mapped[dt.time | None] = mapped_column(Time)
    # ",online,op_locatie," (availability.modalities_text); empty for a day off.
    modalities: Mapped[str] = mapped_column(String(40), default="")
    location: Mapped[str | None] = mapped_column(String(200))


class BusyTime(Base):
    """A time the counsellor's own calendar shows them busy (counsellors/busy.py): no moment is
    offered that overlaps it. A counsellor's rows are replaced as a whole at each read that works."""

    __tablename__ = "busy_times"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]


class Slot(Base):
    """A block of time a counsellor offers, in any of the counsellor's modalities (or those of the
    window it came from, `modalities`); the booking says which one was chosen. One row per block
    (not per modality) so that the same hour can never be sold twice in two modalities."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("counsellor_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("counsellors.id"), index=True)
    # The Brussels date of `starts_at`, kept so that "valid on the slot date" and "from day X" are
    # plain date comparisons in SQL on both databases.
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    # Indexed: the free-moment query walks it in order and stops at the first few (queries.py).
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    # Moments made from a counsellor's hours (counsellors/moments.py): the ways of working of their
    # window (",online,"; None: all of the counsellor's), where (None: the office), and the last
    # moment it may be booked (the counsellor's shortest notice; None: until it starts).
    modalities: Mapped[str | None] = mapped_column(String(40))
    location: Mapped[str | None] = mapped_column(String(200))
    bookable_until: Mapped[dt.datetime | None]
    # No longer in the counsellor's hours, but kept for the history of an old booking on it.
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    counsellor: Mapped[Counsellor] = relationship(lazy="joined", innerjoin=True)


class Booking(Base):
    """A hold on a slot that becomes a confirmed booking.

    At most one *active* booking (held or confirmed) per slot is enforced by the database with a
    partial unique index on slot_id (`uq_bookings_active_slot`), which SQLite (3.8+) and
    PostgreSQL both support. We chose it over a separate slot_claims table because the claim then
    cannot drift from the booking's status: a cancel, an expiry or a move is one UPDATE of one
    row, and the index follows by itself. A check-then-insert in code would not be enough: two
    requests can both see the slot free; with the index the second insert fails (PostgreSQL makes
    it wait for the first transaction, then raises a unique violation) and the service reports
    the slot as taken.

    An index cannot depend on the clock, so a hold that ran out still has status "held" until
    someone sweeps it; every path that claims a slot first marks the slot's expired holds as
    "expired" in the same transaction.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(_in("status", BookingStatus), name="status"),
        CheckConstraint(_in("channel", Channel), name="channel"),
        CheckConstraint(_in("modality", Modality), name="modality"),
        Index(
            "uq_bookings_active_slot",
            "slot_id",
            unique=True,
            sqlite_where=text("status IN ('held', 'confirmed')"),
            postgresql_where=text("status IN ('held', 'confirmed')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(7), unique=True)  # "LK-7K3P"
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(5))
    modality: Mapped[str] = mapped_column(String(12))
    citizen_key: Mapped[str | None] = mapped_column(String(64), index=True)
    # E.164; only for the SMS about this booking, cleared once the session is over.
    phone: Mapped[str | None] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime]
    held_until: Mapped[dt.datetime]
    confirmed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    # The slot the day-before reminder SMS was queued for (verwijzing.worker.reminders): at most
    # one reminder per booking and moment; a move to another slot makes a new one due.
    reminded_slot_id: Mapped[int | None] = mapped_column(Integer)

    slot: Mapped[Slot] = relationship(lazy="joined", innerjoin=True)


class CreditAccount(Base):
    """One row per person who ever confirmed a booking. It exists so that there is a row to lock:
    two confirmations for the same person queue on it, so both cannot spend the same hours."""

    __tablename__ = "credit_accounts"

    citizen_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime]


class LedgerEntry(Base):
    """The credit as a journal: the balance is the sum of `minutes`. Minutes, not hours, so that
    a block of a fractional number of hours would still add up exactly.

    `booking_reference` is informational (no foreign key): the journal must stay whole when old
    bookings are deleted by the retention sweep."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(_in("reason", LedgerReason), name="reason"),
        CheckConstraint("minutes <> 0", name="minutes_not_zero"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_key: Mapped[str] = mapped_column(ForeignKey("credit_accounts.citizen_key"), index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    booking_reference: Mapped[str | None] = mapped_column(String(7), index=True)
    reason: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime]


class ChequeUse(Base):
    """A loopbaancheque that a person used, under a regime without a credit (the transitional
    cheque, 2025-10-01 … 2026-12-31): one row per person and regime, written in the transaction
    that confirms the booking. The primary key lets only one of two simultaneous confirmations of
    the same person win; the booking service refuses a second cheque when the policy's
    `eerder_loopbaancheque_sluit_uit` says so. Nothing here touches the credit ledger."""

    __tablename__ = "cheque_uses"

    citizen_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    regime: Mapped[str] = mapped_column(String(40), primary_key=True)
    booking_reference: Mapped[str] = mapped_column(String(7), unique=True)
    created_at: Mapped[dt.datetime]


class Referral(Base):
    """An intake's outcome as it was decided then (the rules may change later): one row per
    decision, on every channel (verwijzing.referrals.record says what is kept and why).

    Nothing here names the person: `facts` holds only the screening facts the rules read (so a
    scenario can screen the recorded intakes again), `conversation_id` is the channel's random or
    keyed-hash id of the Rasa conversation (the way to its transcript), never a phone number."""

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(_in("channel", Channel), name="channel"),
        CheckConstraint(_in("consent", Consent), name="consent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    # Where the person was sent: the decision's route, or the consulent's when they overrode it.
    route: Mapped[str] = mapped_column(String(30))
    regime: Mapped[str] = mapped_column(String(40))
    # The rules' outcome (an override changes the route, not what the rules said).
    in_aanmerking: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(5))
    conversation_id: Mapped[str | None] = mapped_column(String(255), index=True)
    staff_member: Mapped[str | None] = mapped_column(String(80))
    # Staff referrals only: how the citizen consented, and {"route", "reden", "oorspronkelijke_route"}
    # when the consulent overrode the decision.
    consent: Mapped[str | None] = mapped_column(String(12))
    # none_as_null: no override is SQL NULL, not the JSON value null (so `IS NULL` finds it).
    override: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    booking_reference: Mapped[str | None] = mapped_column(String(7), index=True)
    # The screening facts as the rules read them (contract values).
    facts: Mapped[dict[str, Any]]
    # Decision snapshot: regime, in_aanmerking, route, reasons (codes, texts, sources).
    decision: Mapped[dict[str, Any]]


class AuditEntry(Base):
    """Who did what, when. `subject` is a booking reference or a slot id, never a person."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))  # "web", "sms", "staff:<login>", "system"
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]]


class OutboxMessage(Base):
    """An SMS to send, written in the same transaction as the booking it is about, so that a
    message goes out if and only if the booking was committed. The life of a row (see
    verwijzing.notify.sms): queued → sending → sent | queued again (later) | failed."""

    __tablename__ = "outbox"
    __table_args__ = (CheckConstraint(_in("status", OutboxStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    # Cleared once the message is sent or has failed for good: the number is only needed to deliver it.
    to_number: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(7), index=True)
    booking_reference: Mapped[str | None] = mapped_column(String(7))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None]
    # A queued message is not tried before this time (backoff after a provider error); None: now.
    next_attempt_at: Mapped[dt.datetime | None]
    # When a dispatcher last took the row (queued → sending): tells one in flight from one stuck.
    claimed_at: Mapped[dt.datetime | None]
    # The provider's id for the message (Twilio's message SID, "SM…"), to look it up there.
    provider_id: Mapped[str | None] = mapped_column(String(64))
    # Why the last attempt failed, short and without the phone number (the provider's own
    # messages may repeat it, so they are scrubbed before they get here).
    last_error: Mapped[str | None] = mapped_column(String(200))


class SmsOptOut(Base):
    """A phone number that sent STOP: no SMS goes to it until it sends START.

    Keyed by `phone_key` (HMAC-SHA256 of the E.164 number with VERWIJZING_CHANNEL_SECRET, see
    verwijzing.notify.optout), never the number itself: the list must outlive every booking and
    so must not become a list of phone numbers."""

    __tablename__ = "sms_optouts"

    phone_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    since: Mapped[dt.datetime]


class WebhookSeen(Base):
    """A Twilio message id (MessageSid) the gateway has answered: a webhook that comes again with
    the same id is a replay, answered once only. In the database, so that every gateway of
    `make run-scaled` agrees; kept a day (worker/retention.py), longer than any replay is useful."""

    __tablename__ = "webhooks_seen"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(index=True)


class ErasedConversation(Base):
    """A conversation the person erased, and when (epoch seconds, Rasa's clock for its events).
    Rasa's tracker store honours it: a turn that was running while the person erased cannot write
    the conversation back (rasa_plugins/verwijzing_rasa/tracker_store.py); the same id may go on
    afterwards (SMS and phone keep their id), from an empty conversation."""

    __tablename__ = "erased_conversations"

    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    erased_at: Mapped[float] = mapped_column(Float)
