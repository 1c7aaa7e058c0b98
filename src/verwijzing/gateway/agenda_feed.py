"""GET /agenda/{token}.ics — a counsellor's booked blocks as a calendar to subscribe to
(counsellors/feed.py). Calendar apps fetch it without a login: the token is the key, and an
unknown or revoked one is a plain 404."""
from __future__ import annotations

import asyncio

from aiohttp import web

from verwijzing.config import now_on
from verwijzing.counsellors.feed import FEED_PATH, feed_of
from verwijzing.gateway.keys import SESSIONS, SETTINGS


async def agenda_feed(request: web.Request) -> web.Response:
    token = request.match_info["token"]

    def read() -> bytes | None:
        with request.config_dict[SESSIONS]() as session:
            # The clock of the agenda pages (a reference date in tests and demos): one window.
            return feed_of(session, token, now_on(request.config_dict[SETTINGS].peildatum_override))

    body = await asyncio.to_thread(read) if token.isascii() else None
    if body is None:
        raise web.HTTPNotFound(text="Deze agenda bestaat niet (meer).")
    # Personal data: no shared cache keeps it; calendar apps fetch it again when they refresh.
    return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                                 "Referrer-Policy": "no-referrer"})


def add_feed_routes(app: web.Application) -> None:
    app.router.add_get(FEED_PATH + "{token}.ics", agenda_feed)
