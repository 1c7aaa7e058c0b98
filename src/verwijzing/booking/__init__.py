"""Booking blocks of guidance against the credit. See service.py for the transaction rules.

The names below are the package's public API. Modules inside the package never import from here:
they import each other directly (tests/test_imports.py checks it), so this file can re-export
them all without an import cycle.
"""
from verwijzing.booking import figures, texts
from verwijzing.booking.errors import (
    BookingError,
    BookingNotFound,
    ChequeAlreadyUsed,
    HoldExpired,
    IdempotencyConflict,
    InsufficientCredit,
    InvalidInput,
    ModalityNotOffered,
    NotYourBooking,
    SlotNotFound,
    SlotUnavailable,
    TooLateToReschedule,
    WrongStatus,
)
from verwijzing.booking.ledger import refund_due
from verwijzing.booking.references import make_reference, normalise_reference
from verwijzing.booking.service import BookingService
from verwijzing.booking.views import BookingView, CancelResult, SlotOffer

__all__ = [
    "figures",
    "texts",
    "BookingError",
    "BookingNotFound",
    "BookingService",
    "BookingView",
    "CancelResult",
    "ChequeAlreadyUsed",
    "HoldExpired",
    "IdempotencyConflict",
    "InsufficientCredit",
    "InvalidInput",
    "ModalityNotOffered",
    "NotYourBooking",
    "SlotNotFound",
    "SlotOffer",
    "SlotUnavailable",
    "TooLateToReschedule",
    "WrongStatus",
    "make_reference",
    "normalise_reference",
    "refund_due",
]
