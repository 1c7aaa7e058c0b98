"""One booking service per action-server process: its database engine is made once and reused."""
from __future__ import annotations

from functools import cache

from rasa_sdk import Tracker

from verwijzing.booking import BookingService
from verwijzing.config import settings


@cache
def _service(database_url: str) -> BookingService:
    return BookingService.from_settings(database_url)


def booking_service() -> BookingService:
    return _service(settings().database_url)


CHANNELS = ("web", "sms", "voice", "staff")


def channel_of(tracker: Tracker) -> str:
    """The person's channel: the gateway's channel names it; the stock REST channel is the web."""
    channel = tracker.get_latest_input_channel()
    return channel if channel in CHANNELS else "web"
