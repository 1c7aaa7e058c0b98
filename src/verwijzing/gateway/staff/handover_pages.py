"""The consulent's side of a hand-over (issue 20): the queue at /staff/wachtrij, being available,
taking a conversation, answering in it, and handing it back to the assistant or closing it.

Without JavaScript, as now: both pages have a "Vernieuwen" link (no meta refresh: a page that
reloads itself is a WCAG 2.2.1 failure, and would lose a half-typed answer). Taking is one
conditional UPDATE (handover/queue.py): of two consulents who click at once, one gets the
conversation and the other is told so."""
from __future__ import annotations

import asyncio
import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from verwijzing.enums import CallbackOutcome, CaseAuthor, CaseStatus, Channel, Daypart
from verwijzing.gateway.assistant import AssistantUnavailable, transcript
from verwijzing.gateway.handover import transcript_lines
from verwijzing.gateway.keys import ASSISTANT, OFFICE_HOURS, SESSIONS, SETTINGS
from verwijzing.gateway.staff.auth import actor, checked_form, login_required, now
from verwijzing.gateway.staff.context import STAFF
from verwijzing.gateway.staff.dashboard import CHANNEL_WORDS
from verwijzing.gateway.staff.intake_form import FORM_FIELDS
from verwijzing.gateway.staff.render import render
from verwijzing.handover import queue, texts
from verwijzing.handover.callback import DAYPART_WORDS
from verwijzing.handover.codes import normalise_code
from verwijzing.handover.duty import set_available
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.sms import queue_sms
from verwijzing.privacy.audit import record_audit
from verwijzing.privacy.sealed import unseal
from verwijzing.store.case_models import Case
from verwijzing.store.staff_models import StaffUser

QUEUE = "/staff/wachtrij"
MAX_REPLY = 1000
# The facts the assistant gathered, as the intake names them (contract.md), for the consulent.
FACTS = (("hulpvraag", "Hulpvraag"), ("werkstatus", "Werkstatus"), ("leeftijd", "Leeftijd"),
         ("werkervaring_jaren", "Jaren werkervaring"), ("opleidingsniveau", "Opleiding"), ("woonregio", "Woont in"),
         ("route", "Verwijzing"), ("in_aanmerking", "In aanmerking"), ("postcode", "Postcode"),
         ("modaliteit", "Manier van spreken"))


@dataclass(frozen=True)
class Waiting:
    code: str
    channel: str
    minutes: int
    place: int


@dataclass(frozen=True)
class Callback:
    code: str
    channel: str
    daypart: str
    asked_at: dt.datetime


@login_required()
async def queue_page(request: web.Request) -> web.Response:
    login = request[STAFF].login
    busy = normalise_code(request.query.get("bezet", "")) or ""  # never free text from a link

    def load() -> tuple[list[Waiting], list[Callback], list[Case], dt.datetime | None]:
        at = now()
        with request.config_dict[SESSIONS]() as session:
            waiting = [Waiting(c.code, CHANNEL_WORDS[c.channel], int((at - c.asked_at).total_seconds() // 60), i)
                       for i, c in enumerate(queue.waiting(session), start=1)]
            callbacks = [Callback(c.code, CHANNEL_WORDS[c.channel], DAYPART_WORDS[Daypart(c.daypart or Daypart.ANY)],
                                  c.asked_at.astimezone(BRUSSELS))
                         for c in queue.waiting(session, CaseStatus.CALLBACK)]
            user = session.scalar(select(StaffUser).where(StaffUser.login == login))
            until = user.available_until if user and user.available_until and user.available_until > at else None
            return waiting, callbacks, queue.taken_by(session, login), until

    waiting, callbacks, mine, until = await asyncio.to_thread(load)
    hours = request.config_dict[OFFICE_HOURS]
    return render(request, "wachtrij.html", waiting=waiting, callbacks=callbacks, mine=mine, busy=busy,
                  available_until=until.astimezone(BRUSSELS) if until else None,
                  open_now=hours.open_at(now()), office_hours=request.config_dict[SETTINGS].office_hours)


@login_required()
async def availability(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    available = form.get("beschikbaar") == "ja"
    login, hours = request[STAFF].login, request.config_dict[OFFICE_HOURS]

    def change() -> None:
        with request.config_dict[SESSIONS].begin() as session:
            set_available(session, login, hours, now(), available)

    await asyncio.to_thread(change)
    raise web.HTTPSeeOther(QUEUE)


def _notify(request: web.Request, session: Session, case: Case, text: str, author: CaseAuthor) -> None:
    """A message to the person: in their chat, and by SMS on the SMS line (through the outbox)."""
    at = now()
    queue.add_message(session, case, author, text, at)
    if case.channel == Channel.SMS.value:
        phone = unseal(case.phone_sealed, request.config_dict[SETTINGS].channel_secret)
        if phone:
            queue_sms(session, to=phone, body=text, at=at)


@login_required()
async def take_case(request: web.Request) -> web.StreamResponse:
    return await _take(request, CaseStatus.WAITING)


@login_required()
async def take_callback(request: web.Request) -> web.StreamResponse:
    return await _take(request, CaseStatus.CALLBACK)


async def _take(request: web.Request, waiting_as: CaseStatus) -> web.StreamResponse:
    await checked_form(request)
    code, login, who = request.match_info["code"], request[STAFF].login, actor(request)

    def take() -> bool:
        with request.config_dict[SESSIONS].begin() as session:
            case = queue.find(session, code)
            if case is None or not queue.take(session, case.code, login, now(), waiting_as):
                return False
            if waiting_as is CaseStatus.WAITING:  # a call back: the person hears from us by phone
                _notify(request, session, case, texts.TAKEN, CaseAuthor.NOTICE)
            record_audit(session, actor=who, action="gesprek_overgenomen", subject=case.code,
                         detail={"terugbellen": waiting_as is CaseStatus.CALLBACK}, at=now())
            return True

    if not await asyncio.to_thread(take):
        raise web.HTTPSeeOther(f"{QUEUE}?bezet={normalise_code(code) or ''}")
    raise web.HTTPSeeOther(f"/staff/overname/{code}")


def _own_case(request: web.Request, session: Session) -> Case:
    """The case of the path, when this consulent has it (a beheerder may look at any): 404 otherwise,
    so a code typed in the address bar shows nothing of someone else's conversation."""
    case = queue.find(session, request.match_info["code"])
    member = request[STAFF]
    if case is None or (case.taken_by != member.login and not member.is_beheerder):
        raise web.HTTPNotFound(text="Dit gesprek bestaat niet, of een collega heeft het.")
    return case


@login_required()
async def case_page(request: web.Request) -> web.Response:
    def load() -> tuple[Case, list[tuple[float, dict[str, Any]]]]:
        with request.config_dict[SESSIONS]() as session:
            case = _own_case(request, session)
            lines = transcript_lines(queue.messages(session, case))
            session.expunge(case)
            return case, lines

    case, lines = await asyncio.to_thread(load)
    phone = None
    if case.daypart and case.status == CaseStatus.WITH_STAFF.value:
        # Shown to the consulent who calls, never stored readable; the audit log says it was shown.
        phone = unseal(case.phone_sealed, request.config_dict[SETTINGS].channel_secret)
        await asyncio.to_thread(_audit, request, "telefoonnummer_getoond", case.code)
    try:
        events = await request.config_dict[ASSISTANT].events(case.conversation_id)
    except AssistantUnavailable:
        events = []
    facts = facts_of(events)
    return render(request, "overname.html", case=case, open=case.status == CaseStatus.WITH_STAFF.value,
                  on_phone=case.channel == Channel.VOICE.value and not case.daypart,
                  phone=phone, daypart=DAYPART_WORDS[Daypart(case.daypart)] if case.daypart else None,
                  outcomes=OUTCOMES,
                  lines=transcript(events, lines), facts=facts, channel=CHANNEL_WORDS[case.channel],
                  intake=intake_link(events),
                  max_reply=MAX_REPLY, unreachable=not events)


def _audit(request: web.Request, action: str, code: str) -> None:
    with request.config_dict[SESSIONS].begin() as session:
        record_audit(session, actor=actor(request), action=action, subject=code, detail={}, at=now())


OUTCOMES = ((CallbackOutcome.HELPED.value, "Gebeld en geholpen"),
            (CallbackOutcome.NOT_REACHED.value, "Niet bereikt"),
            (CallbackOutcome.WRONG_NUMBER.value, "Verkeerd nummer"))


@login_required()
async def callback_outcome(request: web.Request) -> web.StreamResponse:
    """How the call went: recorded, and the case closed (no outcome chosen: asked again)."""
    form = await checked_form(request)
    chosen = str(form.get("uitkomst") or "")
    if chosen not in dict(OUTCOMES):
        raise web.HTTPBadRequest(text="Kies hoe het gesprek ging.")
    who = actor(request)

    def record() -> None:
        with request.config_dict[SESSIONS].begin() as session:
            case = _own_case(request, session)
            if case.status == CaseStatus.WITH_STAFF.value and case.daypart:
                case.outcome = chosen
                queue.end(session, case, CaseStatus.CLOSED, now())
                record_audit(session, actor=who, action="teruggebeld", subject=case.code,
                             detail={"uitkomst": chosen}, at=now())

    await asyncio.to_thread(record)
    raise web.HTTPSeeOther(QUEUE)


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The last value of each slot in the conversation (already redacted by the store)."""
    found: dict[str, Any] = {}
    for event in events:
        if event.get("event") == "slot" and event.get("name"):
            found[str(event["name"])] = event.get("value")
    return found


def facts_of(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = _slots(events)
    return [(label, _form_value(found[name])) for name, label in FACTS if found.get(name) not in (None, "")]


def _form_value(value: Any) -> str:
    """A slot's value as the intake form takes it: "ja"/"nee", "12", "12,5"."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def intake_link(events: list[dict[str, Any]]) -> str:
    """The guided intake, filled in with what the person already told the assistant: the
    consulent checks it with them and decides there (nothing is decided from this link)."""
    found = _slots(events)
    filled = {name: _form_value(found[name]) for name in FORM_FIELDS if found.get(name) not in (None, "")}
    return "/staff/intake" + (f"?{urlencode(filled)}" if filled else "")


@login_required()
async def reply(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    text = str(form.get("antwoord") or "").strip()[:MAX_REPLY]

    def send() -> str:
        with request.config_dict[SESSIONS].begin() as session:
            case = _own_case(request, session)
            if text and case.status == CaseStatus.WITH_STAFF.value:
                _notify(request, session, case, text, CaseAuthor.STAFF)
            return case.code

    code = await asyncio.to_thread(send)
    raise web.HTTPSeeOther(f"/staff/overname/{code}#antwoord")


async def _end(request: web.Request, status: CaseStatus, notice: str, action: str) -> web.StreamResponse:
    """Back to the assistant, or closed: Rasa resumes first (a conversation left paused would get
    no answer at all), then the case ends and the person is told."""
    await checked_form(request)
    who = actor(request)

    def still_open() -> str | None:
        with request.config_dict[SESSIONS]() as session:
            case = _own_case(request, session)
            return case.conversation_id if case.status == CaseStatus.WITH_STAFF.value else None

    conversation = await asyncio.to_thread(still_open)
    if conversation is None:
        raise web.HTTPSeeOther(QUEUE)
    try:
        await request.config_dict[ASSISTANT].resume(conversation)
    except AssistantUnavailable:
        raise web.HTTPServiceUnavailable(
            text="De assistent antwoordt nu niet. Het gesprek blijft bij jou; probeer het zo opnieuw.") from None

    def end() -> None:
        with request.config_dict[SESSIONS].begin() as session:
            case = _own_case(request, session)
            if case.status == CaseStatus.WITH_STAFF.value:
                _notify(request, session, case, notice, CaseAuthor.NOTICE)
                queue.end(session, case, status, now())
                record_audit(session, actor=who, action=action, subject=case.code, detail={}, at=now())

    await asyncio.to_thread(end)
    raise web.HTTPSeeOther(QUEUE)


@login_required()
async def hand_back(request: web.Request) -> web.StreamResponse:
    return await _end(request, CaseStatus.BACK, texts.BACK, "gesprek_teruggegeven")


@login_required()
async def close(request: web.Request) -> web.StreamResponse:
    return await _end(request, CaseStatus.CLOSED, texts.CLOSED, "gesprek_afgesloten")


def add_handover_routes(app: web.Application) -> None:
    add_stream_routes(app)  # before "/wachtrij/{code}/…" and "/overname/{code}"
    app.router.add_get("/wachtrij", queue_page)
    app.router.add_post("/wachtrij/beschikbaar", availability)
    app.router.add_post("/wachtrij/{code}/overnemen", take_case)
    app.router.add_post("/wachtrij/{code}/bellen", take_callback)
    app.router.add_post("/overname/{code}/uitkomst", callback_outcome)
    app.router.add_get("/overname/{code}", case_page)
    app.router.add_post("/overname/{code}/antwoord", reply)
    app.router.add_post("/overname/{code}/terug", hand_back)
    app.router.add_post("/overname/{code}/sluiten", close)


# ---- updates without a reload: Server-Sent Events -----------------------------------------------

# How often the stream looks at the database, how long one stream lasts (the browser's EventSource
# opens a new one), and how often a comment keeps proxies from closing a quiet one.
STREAM_POLL_S = 2.0
STREAM_LIFETIME_S = 600.0
STREAM_KEEPALIVE_S = 20.0


async def _stream(request: web.Request, version: Callable[[Session], str]) -> web.StreamResponse:
    """An event each time `version` of the database changes; the page's own script then fetches
    the part that changed (staff.js). A stream per open page; it ends on its own after a while."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)

    def read() -> str:
        with request.config_dict[SESSIONS]() as session:
            return version(session)

    last, quiet, started = None, 0.0, asyncio.get_running_loop().time()
    task = asyncio.current_task()
    if task is not None:
        request.app[STREAMS].add(task)  # ended at shutdown: a restart does not wait for open pages
    try:
        while asyncio.get_running_loop().time() - started < STREAM_LIFETIME_S:
            current = await asyncio.to_thread(read)
            if current != last:
                await response.write(f"event: bijgewerkt\ndata: {current}\n\n".encode())
                last, quiet = current, 0.0
            elif quiet >= STREAM_KEEPALIVE_S:
                await response.write(b": nog hier\n\n")
                quiet = 0.0
            await asyncio.sleep(STREAM_POLL_S)
            quiet += STREAM_POLL_S
    except (ConnectionResetError, asyncio.CancelledError):
        pass  # the page was closed
    return response


@login_required()
async def queue_stream(request: web.Request) -> web.StreamResponse:
    login = request[STAFF].login
    return await _stream(request, lambda session: queue.queue_version(session, login))


@login_required()
async def case_stream(request: web.Request) -> web.StreamResponse:
    def version(session: Session) -> str:
        case = _own_case(request, session)
        return queue.case_version(session, case)
    return await _stream(request, version)


STREAMS: web.AppKey[weakref.WeakSet[asyncio.Task[Any]]] = web.AppKey("streams")


async def _end_streams(app: web.Application) -> None:
    open_streams = app[STREAMS]
    for task in tuple(open_streams):
        task.cancel()


def add_stream_routes(app: web.Application) -> None:
    app[STREAMS] = weakref.WeakSet()
    app.on_shutdown.append(_end_streams)
    app.router.add_get("/wachtrij/stroom", queue_stream)
    app.router.add_get("/overname/{code}/stroom", case_stream)
