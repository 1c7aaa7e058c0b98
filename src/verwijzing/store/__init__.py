"""The store: tables, engine and sessions, migrations. No business rules live here."""
from verwijzing.store.engine import make_engine, make_sessionmaker, normalise_url
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import (
    AuditEntry,
    Base,
    Booking,
    ChequeUse,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    CreditAccount,
    LedgerEntry,
    OutboxMessage,
    Referral,
    Slot,
)
from verwijzing.store.staff_models import StaffSession, StaffUser

__all__ = [
    "AuditEntry",
    "Base",
    "Booking",
    "ChequeUse",
    "Counsellor",
    "CounsellorLanguage",
    "CounsellorModality",
    "CreditAccount",
    "LedgerEntry",
    "OutboxMessage",
    "Referral",
    "Slot",
    "StaffSession",
    "StaffUser",
    "make_engine",
    "make_sessionmaker",
    "normalise_url",
    "upgrade",
]
