"""One booking service per action-server process: its database engine is made once and reused."""
from __future__ import annotations

from functools import cache

from verwijzing.booking import BookingService
from verwijzing.config import settings


@cache
def _service(database_url: str) -> BookingService:
    return BookingService.from_settings(database_url)


def booking_service() -> BookingService:
    return _service(settings().database_url)


def channel_of(tracker) -> str:
    """The booking channel for the tracker's input channel (the REST channel is the web chat)."""
    channel = tracker.get_latest_input_channel() or "rest"
    return {"rest": "web"}.get(channel, channel if channel in ("sms", "voice", "staff") else "web")
