"""What the booking service hands out: plain, frozen views of slots and bookings (no ORM rows),
in Brussels time, so callers never touch a database session."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import verwijzing.booking.texts as texts
from verwijzing.enums import BookingStatus, Channel, Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.places import distance
from verwijzing.store.models import Booking, Slot


@dataclass(frozen=True)
class SlotOffer:
    slot_id: int
    counsellor: str
    starts_at: dt.datetime  # Europe/Brussels
    ends_at: dt.datetime
    modality: Modality
    province: str
    office_postcode: str
    languages: tuple[str, ...]
    # Whole km from the person's municipality to the office's (matching.Ring: 0 the same one, -1
    # not known); None when no place was searched from (online, by phone).
    distance_km: int | None = None

    @property
    def office_place(self) -> str:
        """The office's municipality as a person knows it ("Gent"), or its postcode."""
        office = distance.place_of(self.office_postcode)
        return office.municipality if office else self.office_postcode

    @property
    def label(self) -> str:
        """One line to show in a numbered list: "dinsdag 8 december om 9 uur, met …"."""
        if self.modality is not Modality.OP_LOCATIE:
            return texts.offer_label(self.starts_at, self.counsellor, self.modality, None)
        return texts.offer_label(self.starts_at, self.counsellor, self.modality, self.office_place, self.distance_km)


@dataclass(frozen=True)
class BookingView:
    reference: str
    status: BookingStatus
    counsellor: str
    starts_at: dt.datetime  # Europe/Brussels
    ends_at: dt.datetime
    channel: Channel
    modality: Modality
    held_until: dt.datetime
    location: str
    sms_queued: bool = False

    @property
    def changeable(self) -> bool:
        """A hold or a confirmed booking can still be cancelled or moved."""
        return self.status in (BookingStatus.HELD, BookingStatus.CONFIRMED)

    def as_dict(self) -> dict[str, Any]:
        """The shape `verwijzing booking show` prints (contract.md)."""
        return {
            "reference": self.reference,
            "status": self.status.value,
            "counsellor": self.counsellor,
            "start": self.starts_at.isoformat(),
            "end": self.ends_at.isoformat(),
            "channel": self.channel.value,
            "modality": self.modality.value,
        }


@dataclass(frozen=True)
class CancelResult:
    booking: BookingView
    refunded_hours: int | float
    message: str  # plain Dutch: what happened to the hours


def place_of(booking: Booking) -> str | None:
    """Where an appointment at the office is: the place of the counsellor's hours when they gave
    one, else the office's address and postcode (the postcode alone when the register has no
    address); None online or on the phone."""
    if booking.modality != Modality.OP_LOCATIE:
        return None
    counsellor = booking.slot.counsellor
    if booking.slot.location:
        return booking.slot.location
    if counsellor.office_address:
        return f"{counsellor.office_address}, {counsellor.office_postcode}"
    return counsellor.office_postcode


def view_of(booking: Booking, *, sms_queued: bool = False) -> BookingView:
    slot = booking.slot
    return BookingView(
        reference=booking.reference,
        status=BookingStatus(booking.status),
        counsellor=slot.counsellor.name,
        starts_at=slot.starts_at.astimezone(BRUSSELS),
        ends_at=slot.ends_at.astimezone(BRUSSELS),
        channel=Channel(booking.channel),
        modality=Modality(booking.modality),
        held_until=booking.held_until.astimezone(BRUSSELS),
        location=texts.location(slot.counsellor.name, place_of(booking), booking.modality),
        sms_queued=sms_queued,
    )


def offer_of(slot: Slot, modality: Modality, distance_km: int | None = None) -> SlotOffer:
    counsellor = slot.counsellor
    return SlotOffer(
        slot_id=slot.id,
        counsellor=counsellor.name,
        starts_at=slot.starts_at.astimezone(BRUSSELS),
        ends_at=slot.ends_at.astimezone(BRUSSELS),
        modality=modality,
        province=counsellor.province,
        office_postcode=counsellor.office_postcode,
        languages=tuple(sorted(counsellor.language_set)),
        distance_km=distance_km,
    )
