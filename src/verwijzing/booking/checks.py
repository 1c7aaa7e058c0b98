"""Checks that refuse a booking request before anything changes, and the reading of its inputs.

Each refusal is a BookingError with the plain Dutch sentence from texts.py.
"""
from __future__ import annotations

import datetime as dt
import re

import verwijzing.booking.texts as texts
from verwijzing.booking.errors import (
    InvalidInput,
    ModalityNotOffered,
    NotYourBooking,
    SlotUnavailable,
)
from verwijzing.config import settings
from verwijzing.enums import Channel, Modality
from verwijzing.notify.phone import InvalidPhone, normalise_phone
from verwijzing.privacy import insz as insz_module
from verwijzing.store.models import Booking, Counsellor, Slot

_CITIZEN_KEY = re.compile(r"[0-9a-f]{64}")


def check_bookable(slot: Slot, modality: Modality, now: dt.datetime) -> None:
    if slot.starts_at <= now:
        raise SlotUnavailable(texts.SLOT_PASSED)
    if slot.withdrawn or (slot.bookable_until is not None and slot.bookable_until <= now):
        raise SlotUnavailable(texts.SLOT_NOT_OFFERED)
    counsellor = slot.counsellor
    if not valid_on(counsellor, slot.day):
        raise SlotUnavailable(texts.COUNSELLOR_NOT_VALID)
    if modality not in counsellor.modality_set or (
            slot.modalities is not None and f",{modality.value}," not in slot.modalities):
        raise ModalityNotOffered(texts.modality_not_offered(modality))


def valid_on(counsellor: Counsellor, day: dt.date) -> bool:
    """The same test as `queries.counsellor_valid_on`, for one loaded counsellor."""
    def within(start: dt.date | None, end: dt.date | None) -> bool:
        return start is not None and start <= day and (end is None or day <= end)

    return within(counsellor.mandate_valid_from, counsellor.mandate_valid_to) and within(
        counsellor.beroepskwalificatie_valid_from, counsellor.beroepskwalificatie_valid_to
    )


def check_owner(booking: Booking, owner_key: str | None) -> None:
    # A reference is short enough to guess: a citizen changes a booking only with the same
    # national number (as its keyed hash) that confirmed it.
    if owner_key is not None and booking.citizen_key is not None and booking.citizen_key != owner_key:
        raise NotYourBooking(texts.SOMEONE_ELSES_BOOKING)


def citizen_key_of(insz: str | None, citizen_key: str | None, pepper: bytes | str | None) -> str:
    """The keyed hash that stands for the person: given as is, or made from the national number
    (which is then forgotten). Exactly one of the two; `pepper` None: the configured one."""
    if insz is not None and citizen_key is None:
        pepper = pepper if pepper is not None else settings().insz_pepper
        try:
            return insz_module.citizen_key(insz, pepper)
        except insz_module.InvalidInsz as error:
            raise InvalidInput(error.reason) from None
    if citizen_key is not None and insz is None:
        # Guard against a national number (or anything else) passed as a key: it would be
        # stored in clear.
        if not _CITIZEN_KEY.fullmatch(citizen_key):
            raise ValueError("citizen_key must be the 64 hex digits made by verwijzing.privacy.insz.citizen_key")
        return citizen_key
    raise ValueError("give exactly one of insz and citizen_key")


def parse_modality(value: Modality | str) -> Modality:
    try:
        return Modality(value)
    except ValueError:
        raise InvalidInput(f"unknown modality {value!r}, expected op_locatie, online or telefoon") from None


def parse_channel(value: Channel | str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise InvalidInput(f"unknown channel {value!r}, expected web, sms, voice or staff") from None


def parse_phone(raw: str | None) -> str | None:
    """E.164, or None when no number was given; a number that cannot be right is InvalidInput."""
    if raw is None or not raw.strip():
        return None
    try:
        return normalise_phone(raw)
    except InvalidPhone as error:
        raise InvalidInput(str(error)) from None
