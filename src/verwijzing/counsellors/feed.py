"""A counsellor's agenda in their own calendar: a private subscription address per counsellor
(`/agenda/<token>.ics`), with their booked blocks.

The token is random (32 bytes). Only its SHA-256 finds the feed; the token itself is kept sealed,
so the counsellor's page can show the address again. A new address makes the old one stop at
once (revoked); stopping the feed removes both. Calendar apps fetch without a login, so the
address is the only key, as with Google's and Outlook's own "secret address".

What an event says: when, the reference, how, where. Never who: no name, phone or national
number of the citizen. Each booking is one event with a stable UID (`ics.uid_of`, the same as in
the e-mailed invitation), so a refresh replaces it rather than adding a second one; a cancelled
booking drops out of the feed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

import verwijzing.booking.queries as queries
from verwijzing.booking.counsellor_notices import counsellor_event
from verwijzing.enums import BookingStatus
from verwijzing.notify import ics
from verwijzing.privacy.sealed import seal, unseal
from verwijzing.store.models import Booking, Counsellor, Slot

FEED_PATH = "/agenda/"
# Past blocks stay in the feed this long (a counsellor looks back at last week's sessions).
LOOK_BACK = dt.timedelta(days=31)
SHOWN = (BookingStatus.CONFIRMED.value, BookingStatus.ATTENDED.value)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_address(session: Session, counsellor_id: int, seal_key: bytes) -> str:
    """A new private token for the counsellor's feed; the old one stops working."""
    counsellor = session.get(Counsellor, counsellor_id, with_for_update=True)
    if counsellor is None:
        raise LookupError(counsellor_id)
    token = secrets.token_urlsafe(32)
    counsellor.feed_token_hash, counsellor.feed_token_sealed = _digest(token), seal(token, seal_key)
    return token


def stop(session: Session, counsellor_id: int) -> None:
    counsellor = session.get(Counsellor, counsellor_id, with_for_update=True)
    if counsellor is not None:
        counsellor.feed_token_hash = counsellor.feed_token_sealed = None


def token_of(counsellor: Counsellor, seal_key: bytes) -> str | None:
    return unseal(counsellor.feed_token_sealed, seal_key) if counsellor.feed_token_sealed else None


def address(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{FEED_PATH}{token}.ics"


def feed_of(session: Session, token: str, now: dt.datetime) -> bytes | None:
    """The calendar of the counsellor whose feed `token` opens; None for an unknown or revoked one."""
    if not token or len(token) > 100:
        return None
    counsellor = session.scalar(select(Counsellor).where(Counsellor.feed_token_hash == _digest(token)))
    if counsellor is None:
        return None
    bookings = session.scalars(
        select(Booking).join(Slot, Slot.id == Booking.slot_id)
        .where(Slot.counsellor_id == counsellor.id, Booking.status.in_(SHOWN), Slot.ends_at > now - LOOK_BACK)
        .order_by(Slot.starts_at)).unique().all()
    events = [counsellor_event(booking, stamp=booking.confirmed_at or booking.created_at,
                               sequence=queries.times_moved(session, booking.reference)) for booking in bookings]
    return ics.feed(events, f"Loopbaanbegeleiding – {counsellor.name}")

