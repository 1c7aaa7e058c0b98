"""What the gateway's handlers share, under typed application keys."""
from __future__ import annotations

import aiohttp
from aiohttp import web
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.booking import BookingService
from verwijzing.config import Settings
from verwijzing.gateway.assistant import Assistant

SETTINGS = web.AppKey("settings", Settings)
BOOKINGS = web.AppKey("bookings", BookingService)
HTTP = web.AppKey("http", aiohttp.ClientSession)
ASSISTANT = web.AppKey("assistant", Assistant)
ENGINE = web.AppKey("engine", Engine)
SESSIONS = web.AppKey("sessions", sessionmaker[Session])
