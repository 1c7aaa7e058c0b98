"""The closed sets of values the domain speaks in, free of the ORM: the tables store their string
values (with CHECK constraints built from these), the code passes the enums around."""
from __future__ import annotations

from enum import StrEnum


class Modality(StrEnum):
    OP_LOCATIE = "op_locatie"
    ONLINE = "online"
    TELEFOON = "telefoon"


class Channel(StrEnum):
    WEB = "web"
    SMS = "sms"
    VOICE = "voice"
    STAFF = "staff"


class BookingStatus(StrEnum):
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    # A hold that ran out before it was confirmed. Kept apart from "cancelled": nobody cancelled,
    # no hours moved, and the numbers for monitoring should be able to tell the two apart.
    EXPIRED = "expired"
    # The counsellor recorded that the person did not come (issue 19): the reservation goes back.
    NO_SHOW = "no_show"


# The statuses that claim a slot; the partial unique index below is built on exactly these.
ACTIVE_STATUSES = (BookingStatus.HELD, BookingStatus.CONFIRMED)


class LedgerReason(StrEnum):
    GRANT = "grant"
    # A confirmed booking holds its block on the credit; the counsellor's record of the session
    # turns it into a debit ("gehouden", identity checked) or releases it (no-show, the counsellor
    # cancelled). The credit follows the session, not the click.
    RESERVE = "reserve"
    RELEASE = "release"
    DEBIT = "debit"
    REFUND = "refund"
    # Older entries folded into one by the retention sweep, so the balance outlives the details.
    CARRY_OVER = "carry_over"


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    # Claimed by a dispatcher, which is about to hand it to the provider (or did, and crashed or
    # timed out before it could write down the answer). Never picked up again automatically.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Consent(StrEnum):
    """How a citizen agreed to a referral that staff made for them."""

    IN_PERSOON = "in_persoon"
    TELEFONISCH = "telefonisch"


class StaffRole(StrEnum):
    CONSULENT = "consulent"  # a VDAB consulent: guided referrals, bookings, the referral list
    BEHEERDER = "beheerder"  # also the audit log and the counsellors' accounts
    # A loopbaanbegeleider with a mandate: only their own agenda, hours, bookings and sessions.
    BEGELEIDER = "begeleider"


# The VDAB roles: the console's referral, intake and dashboard pages are theirs.
VDAB_ROLES = frozenset({StaffRole.CONSULENT, StaffRole.BEHEERDER})


class CaseStatus(StrEnum):
    """Where a conversation's case stands (handover/): every conversation has one, for its code."""

    # With the assistant: nobody asked for a person (yet). The code is the person's to give at a
    # counter or on the phone, or to carry the conversation to another channel.
    ASSISTANT = "assistent"
    WAITING = "wacht"  # in the staff queue; the conversation with the assistant is paused
    WITH_STAFF = "bij_consulent"  # a consulent took it and answers
    BACK = "terug"  # handed back to the assistant
    CLOSED = "gesloten"
    # Nobody there: the gateway asks the phone number and a part of the day, then the case waits
    # in the staff queue for a call back, until a consulent records how it went.
    CALLBACK_ASKING = "terugbellen_vraag"
    CALLBACK = "terugbellen"


class Daypart(StrEnum):
    MORNING = "voormiddag"
    AFTERNOON = "namiddag"
    ANY = "maakt_niet_uit"


class CallbackOutcome(StrEnum):
    HELPED = "geholpen"
    NOT_REACHED = "niet_bereikt"
    WRONG_NUMBER = "verkeerd_nummer"


# The cases whose messages go to a person, not to the assistant.
OPEN_CASE_STATUSES = (CaseStatus.WAITING, CaseStatus.WITH_STAFF)


class CaseAuthor(StrEnum):
    CITIZEN = "burger"
    STAFF = "consulent"
    NOTICE = "melding"  # what the system tells the person: taken, handed back, closed
