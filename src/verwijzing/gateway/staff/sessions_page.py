"""A counsellor records their first sessions (role begeleider, issue 19):
`/staff/agenda/gesprekken` lists their booked sessions; one that started is recorded "gehouden"
(with the national number from the person's identity card, compared as a keyed hash and never
kept) or "niet opgedaagd"; one still to come can be called off ("afgezegd door de begeleider":
the person gets an SMS). `/staff/agenda/overzicht` is the monthly overview of sessions held.
The counsellor is always the session's member, never a value of the request."""
from __future__ import annotations

import asyncio
import datetime as dt

from aiohttp import web

from verwijzing.booking.errors import BookingError
from verwijzing.booking.texts import COUNSELLOR_MODALITY_WORDS, IDENTITY_MISMATCH
from verwijzing.booking.transitions import CALLED_OFF, HELD, NO_SHOW, SessionRecord
from verwijzing.counsellors.agenda import BookedSession, sessions_to_record
from verwijzing.counsellors.overview import MonthOverview, month_of, overview
from verwijzing.enums import StaffRole
from verwijzing.gateway.keys import BOOKINGS, SESSIONS
from verwijzing.gateway.staff.auth import AGENDA_PATH, checked_form, login_required, own_agenda
from verwijzing.gateway.staff.render import render
from verwijzing.nl_be import euro, format_number, weekday_date_words

PAGE = f"{AGENDA_PATH}/gesprekken"
OVERVIEW = f"{AGENDA_PATH}/overzicht"
OUTCOMES = (HELD, NO_SHOW, CALLED_OFF)  # the form's values are these words
DONE = {
    HELD: "Het gesprek {reference} is geregistreerd als gehouden.",
    NO_SHOW: "Het gesprek {reference} is geregistreerd: de persoon is niet gekomen.",
    CALLED_OFF: "Het gesprek {reference} is afgezegd. De persoon krijgt een sms om een nieuw moment te kiezen.",
}


async def _page(request: web.Request, *, notice: str | None = None, error: str | None = None,
                status: int = 200) -> web.Response:
    own = own_agenda(request)
    counsellor_id, now = own.counsellor_id, own.now

    def load() -> list[BookedSession]:
        with request.config_dict[SESSIONS]() as session:
            return sessions_to_record(session, counsellor_id, now)

    found = await asyncio.to_thread(load)
    return render(request, "gesprekken.html", status=status, started=[s for s in found if s.started],
                  coming=[s for s in found if not s.started], notice=notice, error=error,
                  day=lambda at: weekday_date_words(at.date()), words=COUNSELLOR_MODALITY_WORDS)


@login_required(StaffRole.BEGELEIDER)
async def sessions_page(request: web.Request) -> web.Response:
    done = request.query.get("klaar", "")
    reference = request.query.get("ref", "")[:7]
    return await _page(request, notice=DONE[done].format(reference=reference) if done in DONE else None)


@login_required(StaffRole.BEGELEIDER)
async def record(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    reference = request.match_info["reference"]
    outcome = str(form.get("uitkomst") or "")
    if outcome not in OUTCOMES:
        return await _page(request, error="Kies wat er met het gesprek gebeurde.", status=400)
    number = str(form.get("rijksregisternummer") or "").strip() if outcome == HELD else None
    if outcome == HELD and not number:
        return await _page(request, error="Typ het rijksregisternummer van de identiteitskaart van de persoon.",
                           status=400)
    if outcome == CALLED_OFF and form.get("zeker") != "ja":
        return await _page(request, error="Vink aan dat je het gesprek echt afzegt.", status=400)
    own = own_agenda(request)
    counsellor_id, now = own.counsellor_id, own.now

    def save() -> SessionRecord:
        return request.config_dict[BOOKINGS].record_session(reference, outcome, counsellor_id=counsellor_id,
                                                            insz=number, now=now)

    try:
        result = await asyncio.to_thread(save)
    except BookingError as refused:
        return await _page(request, error=str(refused), status=409)
    if not result.recorded:
        return await _page(request, error=IDENTITY_MISMATCH, status=409)
    raise web.HTTPFound(f"{PAGE}?klaar={outcome}&ref={reference}")


@login_required(StaffRole.BEGELEIDER)
async def overview_page(request: web.Request) -> web.Response:
    own = own_agenda(request)
    counsellor_id, now = own.counsellor_id, own.now
    month = month_of(request.query.get("maand"), now.date())

    def load() -> MonthOverview:
        with request.config_dict[SESSIONS]() as session:
            return overview(session, counsellor_id, month)

    found = await asyncio.to_thread(load)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(request, "overzicht.html", found=found, euro=euro, number=format_number,
                  day=lambda d: weekday_date_words(d), month_words=f"{month:%m/%Y}",
                  previous=f"{previous:%Y-%m}", following=f"{following:%Y-%m}")


def add_sessions_routes(app: web.Application) -> None:
    app.router.add_get(PAGE.removeprefix("/staff"), sessions_page)
    app.router.add_post(PAGE.removeprefix("/staff") + "/{reference}", record)
    app.router.add_get(OVERVIEW.removeprefix("/staff"), overview_page)
