"""What the gateway's handlers share, under typed application keys."""
from __future__ import annotations

import datetime as dt

import aiohttp
from aiohttp import web
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.booking import BookingService
from verwijzing.config import Settings
from verwijzing.gateway.assistant import Assistant
from verwijzing.gateway.limits import Counter
from verwijzing.handover.duty import OfficeHours

SETTINGS = web.AppKey("settings", Settings)
BOOKINGS = web.AppKey("bookings", BookingService)
HTTP = web.AppKey("http", aiohttp.ClientSession)
ASSISTANT = web.AppKey("assistant", Assistant)
ENGINE = web.AppKey("engine", Engine)
SESSIONS = web.AppKey("sessions", sessionmaker[Session])
LIMITS = web.AppKey("limits", Counter)
OFFICE_HOURS = web.AppKey("office_hours", OfficeHours)


def peildatum(request: web.Request) -> dt.date:
    """The stack's reference date (VERWIJZING_PEILDATUM, else today), as the chat and the
    booking use it: every page that decides, books or counts by date reads it here."""
    return request.config_dict[SETTINGS].peildatum
