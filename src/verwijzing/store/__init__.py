"""The store: tables, engine and sessions, migrations. No business rules live here."""
from verwijzing.store.case_models import Case, CaseMessage
from verwijzing.store.engine import make_engine, make_sessionmaker, normalise_url
from verwijzing.store.mail_models import MailMessage
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
from verwijzing.store.staff_models import StaffInvitation, StaffSession, StaffUser

__all__ = [
    "AuditEntry",
    "Base",
    "Case",
    "CaseMessage",
    "Booking",
    "ChequeUse",
    "Counsellor",
    "CounsellorLanguage",
    "CounsellorModality",
    "CreditAccount",
    "LedgerEntry",
    "MailMessage",
    "OutboxMessage",
    "Referral",
    "Slot",
    "StaffInvitation",
    "StaffSession",
    "StaffUser",
    "make_engine",
    "make_sessionmaker",
    "normalise_url",
    "upgrade",
]
