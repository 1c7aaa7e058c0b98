"""The store: tables, engine and sessions, migrations. No business rules live here."""
from verwijzing.store.engine import make_engine, make_sessionmaker, normalise_url
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import (
    ACTIVE_STATUSES,
    AuditEntry,
    Base,
    Booking,
    BookingStatus,
    Channel,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    CreditAccount,
    LedgerEntry,
    LedgerReason,
    Modality,
    OutboxMessage,
    OutboxStatus,
    Referral,
    Slot,
)
from verwijzing.store.records import record_audit, record_referral

__all__ = [
    "ACTIVE_STATUSES",
    "AuditEntry",
    "Base",
    "Booking",
    "BookingStatus",
    "Channel",
    "Counsellor",
    "CounsellorLanguage",
    "CounsellorModality",
    "CreditAccount",
    "LedgerEntry",
    "LedgerReason",
    "Modality",
    "OutboxMessage",
    "OutboxStatus",
    "Referral",
    "Slot",
    "make_engine",
    "make_sessionmaker",
    "normalise_url",
    "record_audit",
    "record_referral",
    "upgrade",
]
