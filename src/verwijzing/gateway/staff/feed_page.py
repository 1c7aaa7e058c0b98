"""`/staff/agenda/kalender` (role begeleider): the private address of the counsellor's agenda
feed (counsellors/feed.py), to subscribe to in Outlook, Google or Apple Calendar; a new address
(the old one stops) or none."""
from __future__ import annotations

import asyncio

from aiohttp import web

from verwijzing.counsellors import feed
from verwijzing.enums import StaffRole
from verwijzing.gateway.keys import SESSIONS, SETTINGS
from verwijzing.gateway.staff.auth import AGENDA_PATH, audit, checked_form, login_required, own_agenda
from verwijzing.gateway.staff.render import render
from verwijzing.store.models import Counsellor

PAGE = f"{AGENDA_PATH}/kalender"


@login_required(StaffRole.BEGELEIDER)
async def feed_page(request: web.Request) -> web.Response:
    counsellor_id, config = own_agenda(request).counsellor_id, request.config_dict[SETTINGS]

    def load() -> str | None:
        with request.config_dict[SESSIONS]() as session:
            counsellor = session.get(Counsellor, counsellor_id)
            return feed.token_of(counsellor, config.channel_secret) if counsellor else None

    token = await asyncio.to_thread(load)
    return render(request, "kalender.html", address=feed.address(config.public_base_url, token) if token else None,
                  done=request.query.get("klaar", ""))


@login_required(StaffRole.BEGELEIDER)
async def new_address(request: web.Request) -> web.StreamResponse:
    await checked_form(request)
    counsellor_id, key = own_agenda(request).counsellor_id, request.config_dict[SETTINGS].channel_secret

    def make() -> None:
        with request.config_dict[SESSIONS].begin() as session:
            feed.new_address(session, counsellor_id, key)

    await asyncio.to_thread(make)
    await audit(request, "kalender_adres_nieuw", str(counsellor_id))
    raise web.HTTPFound(f"{PAGE}?klaar=nieuw")


@login_required(StaffRole.BEGELEIDER)
async def stop_feed(request: web.Request) -> web.StreamResponse:
    await checked_form(request)
    counsellor_id = own_agenda(request).counsellor_id

    def remove() -> None:
        with request.config_dict[SESSIONS].begin() as session:
            feed.stop(session, counsellor_id)

    await asyncio.to_thread(remove)
    await audit(request, "kalender_adres_gestopt", str(counsellor_id))
    raise web.HTTPFound(f"{PAGE}?klaar=gestopt")


def add_feed_page_routes(app: web.Application) -> None:
    prefix = PAGE.removeprefix("/staff")
    app.router.add_get(prefix, feed_page)
    app.router.add_post(f"{prefix}/nieuw", new_address)
    app.router.add_post(f"{prefix}/stop", stop_feed)
