"""The booking use case the chat and the staff console share: a held moment becomes a booking
for a referral, in one transaction — the credit's block (or the cheque), the SMS, the audit line
and the referral's link commit together or not at all — and a hold that can never be confirmed
(no credit left, the moment taken or passed) is given back at once, not after the hold time.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from verwijzing.booking.errors import InsufficientCredit, ReferralBooked, SlotUnavailable
from verwijzing.booking.service import BookingService
from verwijzing.booking.views import BookingView
from verwijzing.enums import Channel, Modality
from verwijzing.privacy.audit import record_audit
from verwijzing.referrals.record import AlreadyBooked, attach_booking, attach_booking_to_conversation

# Refusals after which the hold can never become this booking: give its moment back.
GIVE_BACK_ON = (InsufficientCredit, SlotUnavailable, ReferralBooked)


@dataclass(frozen=True)
class ReferralLink:
    """The referral a booking is for: a staff referral by its id, or the latest decision of a
    conversation (a chat books after its decision)."""

    referral_id: int | None = None
    conversation_id: str | None = None

    def attach(self, session: Session, view: BookingView, actor: str) -> None:
        if self.referral_id is not None:
            try:
                attach_booking(session, self.referral_id, view.reference)
            except AlreadyBooked as booked:
                raise ReferralBooked(str(booked)) from None  # the whole booking rolls back
            # Who booked for whom: a consulent acts for a citizen.
            record_audit(session, actor=actor, action="geboekt", subject=view.reference, at=dt.datetime.now(dt.UTC),
                         detail={"verwijzing": self.referral_id, "modaliteit": view.modality.value,
                                 "sms": view.sms_queued})
        elif self.conversation_id is not None:
            attach_booking_to_conversation(session, self.conversation_id, view.reference)


def book_held(
    service: BookingService,
    reference: str,
    *,
    link: ReferralLink,
    actor: str,
    insz: str | None = None,
    citizen_key: str | None = None,
    phone: str | None = None,
) -> BookingView:
    """Confirm the held block `reference` for the person and attach it to its referral."""
    try:
        return service.confirm(reference, insz=insz, citizen_key=citizen_key, phone=phone,
                               within=lambda session, view: link.attach(session, view, actor))
    except GIVE_BACK_ON as refused:
        service.give_back(reference, actor=actor, why=refused.code)
        raise


def hold_and_book(
    service: BookingService,
    slot_id: int,
    channel: Channel | str,
    idempotency_key: str,
    *,
    modality: Modality | str,
    link: ReferralLink,
    actor: str,
    insz: str | None = None,
    phone: str | None = None,
) -> BookingView:
    """Hold a moment and book it at once (the staff console, where the person is present). The
    same idempotency key again (a second click) replays the same hold and booking."""
    held = service.hold(slot_id, channel, idempotency_key, modality=modality)
    return book_held(service, held.reference, link=link, actor=actor, insz=insz, phone=phone)
