"""A counsellor's own pages (role begeleider): `/staff/agenda`, their moments and bookings, and
`/staff/agenda/uren`, their weekly hours, date overrides, shortest notice and the link to their
own calendar. Every query is on the member's own counsellor: the id comes from the session,
never from the request.

Saving hours brings the moments in line at once (counsellors/hours.py); booked moments are never
touched: the agenda marks those the hours no longer give. A linked calendar's address is read
once before it is kept (outside any transaction), and then shown only as its host: it is a secret.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy import select

from verwijzing.booking.texts import COUNSELLOR_MODALITY_WORDS
from verwijzing.counsellors import hours as hours_store
from verwijzing.counsellors.agenda import agenda
from verwijzing.counsellors.availability import Interval, Window, modalities_of
from verwijzing.counsellors.busy import CalendarProblem, calendar_host, check_url, read_calendar
from verwijzing.counsellors.hours import block_of
from verwijzing.counsellors.hours_form import (
    NOTICE_CHOICES,
    RowInput,
    parse_notice,
    parse_override,
    parse_weekly,
)
from verwijzing.counsellors.moments import SyncResult
from verwijzing.enums import StaffRole
from verwijzing.gateway.forms import small_number
from verwijzing.gateway.keys import SESSIONS, SETTINGS
from verwijzing.gateway.staff.auth import AGENDA_PATH, checked_form, login_required, own_agenda
from verwijzing.gateway.staff.render import render
from verwijzing.nl_be import BRUSSELS, weekday_date_words, weekday_names
from verwijzing.privacy.audit import record_audit
from verwijzing.store.models import AvailabilityWindow, Counsellor

HOURS_PATH = f"{AGENDA_PATH}/uren"
CALENDAR_PATH = f"{AGENDA_PATH}/agenda-koppeling"
# Rows of the weekly form: the saved windows and this many empty ones to add new.
EMPTY_ROWS = 4
MOST_ROWS = 40


@login_required(StaffRole.BEGELEIDER)
async def agenda_page(request: web.Request) -> web.Response:
    own = own_agenda(request)
    counsellor_id, weeks, now = own.counsellor_id, own.weeks, own.now

    def load() -> tuple[str, list[Any], bool]:
        with request.config_dict[SESSIONS]() as session:
            counsellor = session.get(Counsellor, counsellor_id)
            lines = agenda(session, counsellor_id, now, weeks)
            own = hours_store.hours(session, counsellor_id)
            return counsellor.name if counsellor else "", lines, bool(own.weekly or own.overrides)

    name, lines, has_hours = await asyncio.to_thread(load)
    days: dict[dt.date, list[Any]] = {}
    for line in lines:
        days.setdefault(line.starts_at.date(), []).append(line)
    return render(request, "agenda.html", counsellor_name=name,
                  days=[(weekday_date_words(d), found) for d, found in days.items()],
                  has_hours=has_hours, weeks=weeks, conflicts=sum(line.outside_hours for line in lines),
                  booked=sum(line.booked is not None for line in lines), words=COUNSELLOR_MODALITY_WORDS)


def _rows_of(windows: list[AvailabilityWindow]) -> list[dict[str, Any]]:
    return [{"dag": str(w.weekday), "van": f"{w.starts:%H:%M}" if w.starts else "",
             "tot": f"{w.ends:%H:%M}" if w.ends else "", "manieren": {m.value for m in modalities_of(w.modalities)},
             "plaats": w.location or ""} for w in windows]


def _hours_page(request: web.Request, *, counsellor: Counsellor, rows: list[dict[str, Any]],
                overrides: Overrides, notice: int, problems: list[str] | None = None,
                override_problems: list[str] | None = None, saved: str | None = None,
                calendar_saved: str | None = None, calendar_refused: str | None = None,
                status: int = 200) -> web.Response:
    allowed = [(m.value, word) for m, word in COUNSELLOR_MODALITY_WORDS.items() if m in counsellor.modality_set]
    blank = {"dag": "", "van": "", "tot": "", "manieren": set(), "plaats": ""}
    rows = rows + [dict(blank) for _ in range(EMPTY_ROWS)]
    return render(request, "uren.html", status=status, rows=rows, weekdays=list(enumerate(weekday_names())),
                  allowed=allowed, overrides=overrides, notice=notice, notice_choices=NOTICE_CHOICES,
                  problems=problems or [], override_problems=override_problems or [], saved=saved,
                  office=counsellor.office_address or "",
                  block_hours=block_of(own_agenda(request).now.date()).total_seconds() / 3600,
                  calendar=_calendar_state(request, counsellor), calendar_saved=calendar_saved,
                  calendar_refused=calendar_refused)


def _calendar_state(request: web.Request, counsellor: Counsellor) -> dict[str, Any]:
    """What the page shows of the linked calendar: its host, never the address."""
    checked = counsellor.busy_checked_at.astimezone(BRUSSELS) if counsellor.busy_checked_at else None
    return {"linked": counsellor.busy_calendar_sealed is not None,
            "host": calendar_host(counsellor.busy_calendar_sealed, request.config_dict[SETTINGS].channel_secret),
            "checked": f"{weekday_date_words(checked.date())} om {checked:%H:%M}" if checked else None,
            "problem": counsellor.busy_problem}


Overrides = list[tuple[str, str, str]]  # (ISO date, the date in words, "vrij" or the hours)


def _load_hours(request: web.Request, counsellor_id: int) -> tuple[Counsellor, list[dict[str, Any]], Overrides]:
    with request.config_dict[SESSIONS]() as session:
        counsellor = session.get(Counsellor, counsellor_id)
        if counsellor is None:
            raise web.HTTPNotFound(text="Deze begeleider staat niet meer in het register.")
        session.expunge(counsellor)
        windows = session.scalars(
            select(AvailabilityWindow).where(AvailabilityWindow.counsellor_id == counsellor_id)
            .order_by(AvailabilityWindow.weekday, AvailabilityWindow.day, AvailabilityWindow.starts)).all()
        today = own_agenda(request).now.date()
        weekly = [w for w in windows if w.weekday is not None]
        overrides = [(w.day.isoformat(), weekday_date_words(w.day),
                      f"{w.starts:%H:%M} tot {w.ends:%H:%M}" if w.starts and w.ends else "vrij")
                     for w in windows if w.day is not None and w.day >= today]
        return counsellor, _rows_of(weekly), overrides


@login_required(StaffRole.BEGELEIDER)
async def hours_page(request: web.Request) -> web.Response:
    counsellor, rows, overrides = await asyncio.to_thread(_load_hours, request, own_agenda(request).counsellor_id)
    saved = request.query.get("bewaard")
    return _hours_page(request, counsellor=counsellor, rows=rows, overrides=overrides,
                       notice=counsellor.min_notice_hours, saved=_saved_text(request.query) if saved else None,
                       calendar_saved=_calendar_text(request.query, request.config_dict[SETTINGS].agenda_weeks))


def _number(query: Any, key: str) -> int:
    return small_number(str(query.get(key, "0"))) or 0


def _calendar_text(query: Any, weeks: int) -> str | None:
    what = query.get("agenda")
    if what == "gekoppeld":
        found = _number(query, "bezet")
        text = (f"Je agenda is gekoppeld. We vonden {found} {'afspraak' if found == 1 else 'afspraken'} "
                f"in de komende {weeks} weken. Op die uren plannen we geen gesprekken.")
        if _number(query, "weg"):
            text += f" {_number(query, 'weg')} vrije momenten ingetrokken."
        return text
    if what == "los":
        text = "Je agenda is losgekoppeld. De afspraken in je agenda tellen niet meer mee."
        if _number(query, "nieuw"):
            text += f" {_number(query, 'nieuw')} nieuwe momenten."
        return text
    return None


def _saved_text(query: Any) -> str:
    text = f"Bewaard. {_number(query, 'nieuw')} nieuwe momenten, {_number(query, 'weg')} momenten ingetrokken."
    if _number(query, "conflict"):
        text += (f" {_number(query, 'conflict')} geboekte momenten vallen buiten je uren. Ze blijven staan: "
                 "zie je agenda.")
    return text


def _redirect_saved(result: SyncResult) -> web.HTTPFound:
    return web.HTTPFound(f"{HOURS_PATH}?bewaard=1&nieuw={result.added}&weg={result.withdrawn}"
                         f"&conflict={len(result.conflicts)}")


def _typed_rows(form: MultiDictProxy[Any]) -> list[RowInput]:
    rows = []
    for i in range(MOST_ROWS):
        if f"van-{i}" not in form and f"dag-{i}" not in form:
            continue
        # Repeated keys: the first one counts, as everywhere in the console (forms.posted_form).
        rows.append(RowInput(day=str(form.get(f"dag-{i}") or ""), starts=str(form.get(f"van-{i}") or ""),
                             ends=str(form.get(f"tot-{i}") or ""),
                             modalities=frozenset(str(v) for v in form.getall(f"manier-{i}", [])),
                             location=str(form.get(f"plaats-{i}") or "")))
    return rows


@login_required(StaffRole.BEGELEIDER)
async def save_hours(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    own = own_agenda(request)
    counsellor_id, weeks, now, who = own.counsellor_id, own.weeks, own.now, own.actor
    counsellor, saved_rows, overrides = await asyncio.to_thread(_load_hours, request, counsellor_id)
    typed = _typed_rows(form)
    weekly, problems = parse_weekly(typed, counsellor.modality_set, block_of(now.date()))
    notice = parse_notice(str(form.get("opvoorhand") or ""))
    if notice is None:
        problems.append("Kies hoe lang op voorhand iemand ten laatste boekt.")
    if problems or notice is None:
        rows = [{"dag": r.day, "van": r.starts, "tot": r.ends, "manieren": set(r.modalities), "plaats": r.location}
                for r in typed if r.starts or r.ends or r.location]
        return _hours_page(request, counsellor=counsellor, rows=rows, overrides=overrides,
                           notice=notice or counsellor.min_notice_hours, problems=problems, status=400)

    def save() -> SyncResult:
        with request.config_dict[SESSIONS].begin() as session:
            result = hours_store.save_weekly(session, counsellor_id, weekly, notice, now.astimezone(dt.UTC), weeks)
            record_audit(session, actor=who, action="uren_bewaard", subject=str(counsellor_id),
                         detail={"vensters": sum(len(w) for w in weekly.values()), "opvoeg_uren": notice,
                                 **result.counts()}, at=dt.datetime.now(dt.UTC))
            return result

    raise _redirect_saved(await asyncio.to_thread(save))


@login_required(StaffRole.BEGELEIDER)
async def save_override(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    own = own_agenda(request)
    counsellor_id, weeks, now, who = own.counsellor_id, own.weeks, own.now, own.actor
    counsellor, rows, overrides = await asyncio.to_thread(_load_hours, request, counsellor_id)
    row = RowInput(day=str(form.get("datum") or ""), starts=str(form.get("van") or ""),
                   ends=str(form.get("tot") or ""), modalities=frozenset(str(v) for v in form.getall("manier", [])),
                   location=str(form.get("plaats") or ""))
    day_off = str(form.get("soort") or "") == "vrij"
    day, window, problems = parse_override(row, day_off, counsellor.modality_set, block_of(now.date()), now.date())
    if problems or day is None:
        return _hours_page(request, counsellor=counsellor, rows=rows, overrides=overrides,
                           notice=counsellor.min_notice_hours, override_problems=problems, status=400)

    def save(window: Window | None) -> SyncResult:
        with request.config_dict[SESSIONS].begin() as session:
            result = hours_store.save_override(session, counsellor_id, day, window, now.astimezone(dt.UTC), weeks)
            record_audit(session, actor=who, action="uitzondering_bewaard", subject=str(counsellor_id),
                         detail={"datum": day.isoformat(), "vrij": window is None, **result.counts()},
                         at=dt.datetime.now(dt.UTC))
            return result

    raise _redirect_saved(await asyncio.to_thread(save, window))


@login_required(StaffRole.BEGELEIDER)
async def remove_override(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    own = own_agenda(request)
    counsellor_id, weeks, now, who = own.counsellor_id, own.weeks, own.now, own.actor
    try:
        day = dt.date.fromisoformat(str(form.get("datum") or ""))
    except ValueError:
        raise web.HTTPBadRequest(text="Die datum ken ik niet. Laad de pagina opnieuw.") from None

    def remove() -> SyncResult:
        with request.config_dict[SESSIONS].begin() as session:
            result = hours_store.remove_override(session, counsellor_id, day, now.astimezone(dt.UTC), weeks)
            record_audit(session, actor=who, action="uitzondering_weg", subject=str(counsellor_id),
                         detail={"datum": day.isoformat(), **result.counts()}, at=dt.datetime.now(dt.UTC))
            return result

    raise _redirect_saved(await asyncio.to_thread(remove))


@login_required(StaffRole.BEGELEIDER)
async def link_calendar(request: web.Request) -> web.StreamResponse:
    """Link the counsellor's own calendar: the address checked and read once (in a thread, outside
    any transaction), then kept sealed with what it gave; the moments follow."""
    form = await checked_form(request)
    own = own_agenda(request)
    counsellor_id, weeks, now, who = own.counsellor_id, own.weeks, own.now.astimezone(dt.UTC), own.actor
    try:
        url = check_url(str(form.get("adres") or ""))
    except ValueError as wrong:
        return await _calendar_refused(request, counsellor_id, str(wrong))
    outcome = await asyncio.to_thread(read_calendar, url, now, weeks)
    if isinstance(outcome, CalendarProblem):
        return await _calendar_refused(request, counsellor_id, str(outcome))

    def save(busy: list[Interval]) -> SyncResult:
        with request.config_dict[SESSIONS].begin() as session:
            result = hours_store.link_calendar(session, counsellor_id, url, busy,
                                               request.config_dict[SETTINGS].channel_secret, now, weeks)
            # Never the address: it opens the whole calendar.
            record_audit(session, actor=who, action="agenda_gekoppeld", subject=str(counsellor_id),
                         detail={"bezet": len(busy), **result.counts()}, at=dt.datetime.now(dt.UTC))
            return result

    result = await asyncio.to_thread(save, outcome)
    raise web.HTTPFound(f"{HOURS_PATH}?agenda=gekoppeld&bezet={len(outcome)}&weg={result.withdrawn}#eigen-agenda")


async def _calendar_refused(request: web.Request, counsellor_id: int, problem: str) -> web.Response:
    counsellor, rows, overrides = await asyncio.to_thread(_load_hours, request, counsellor_id)
    return _hours_page(request, counsellor=counsellor, rows=rows, overrides=overrides,
                       notice=counsellor.min_notice_hours, calendar_refused=problem, status=400)


@login_required(StaffRole.BEGELEIDER)
async def unlink_calendar(request: web.Request) -> web.StreamResponse:
    await checked_form(request)
    own = own_agenda(request)
    counsellor_id, weeks, now, who = own.counsellor_id, own.weeks, own.now.astimezone(dt.UTC), own.actor

    def remove() -> SyncResult:
        with request.config_dict[SESSIONS].begin() as session:
            result = hours_store.unlink_calendar(session, counsellor_id, now, weeks)
            record_audit(session, actor=who, action="agenda_losgekoppeld", subject=str(counsellor_id),
                         detail=result.counts(), at=dt.datetime.now(dt.UTC))
            return result

    result = await asyncio.to_thread(remove)
    raise web.HTTPFound(f"{HOURS_PATH}?agenda=los&nieuw={result.added}#eigen-agenda")


def add_agenda_routes(app: web.Application) -> None:
    prefix = AGENDA_PATH.removeprefix("/staff")
    app.router.add_get(prefix, agenda_page)
    app.router.add_get(f"{prefix}/uren", hours_page)
    app.router.add_post(f"{prefix}/uren", save_hours)
    app.router.add_post(f"{prefix}/uitzondering", save_override)
    app.router.add_post(f"{prefix}/uitzondering/verwijderen", remove_override)
    app.router.add_post(f"{prefix}/agenda-koppeling", link_calendar)
    app.router.add_post(f"{prefix}/agenda-koppeling/loskoppelen", unlink_calendar)
