"""What can go wrong when booking. Each error carries a `code` for programs and one plain Dutch
sentence (str(error)) that the assistant can show the citizen as it is."""
from __future__ import annotations


class BookingError(Exception):
    code = "booking_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SlotNotFound(BookingError):
    code = "slot_not_found"


class SlotUnavailable(BookingError):
    """Someone else holds or booked it, it is in the past, or the counsellor cannot take it."""

    code = "slot_unavailable"


class ModalityNotOffered(BookingError):
    code = "modality_not_offered"


class BookingNotFound(BookingError):
    code = "booking_not_found"


class HoldExpired(BookingError):
    code = "hold_expired"


class WrongStatus(BookingError):
    code = "wrong_status"


class InsufficientCredit(BookingError):
    code = "insufficient_credit"


class ChequeAlreadyUsed(BookingError):
    """Under the transitional regime a person gets one loopbaancheque only, and this person
    already used one (policy: eerder_loopbaancheque_sluit_uit). The held moment is given back."""

    code = "cheque_already_used"


class NotYourBooking(BookingError):
    code = "not_your_booking"


class IdempotencyConflict(BookingError):
    """The same idempotency key came with a different request: a client bug, not a retry."""

    code = "idempotency_conflict"


class ReferralBooked(BookingError):
    """The referral has its booking already (one referral, one booking): a form sent twice."""

    code = "referral_booked"


class TooLateToReschedule(BookingError):
    code = "too_late_to_reschedule"


class InvalidInput(BookingError):
    """A national number, phone number or postcode that cannot be right."""

    code = "invalid_input"
