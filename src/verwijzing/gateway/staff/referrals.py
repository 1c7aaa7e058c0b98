"""The referral pages: the list with its filters, one referral, the conversation of one that
asked for a person, and the CSV export of the (filtered) list.

Reading a referral, its conversation or an export is a view of personal data: each is audited
("bekeken", "export"). Texts from Rasa's store are redacted again before they are shown (the
tracker store already did; this is the second line): no national or phone number reaches a page.
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from verwijzing.decision.facts import Route
from verwijzing.enums import Channel
from verwijzing.gateway.assistant import bot_message
from verwijzing.gateway.keys import ENGINE, SESSIONS
from verwijzing.gateway.staff.auth import audit, login_required
from verwijzing.gateway.staff.render import render
from verwijzing.nl_be import BRUSSELS
from verwijzing.referrals.record import KEPT_FACTS, STATUSES
from verwijzing.referrals.search import (
    PAGE_SIZE,
    BookingSummary,
    FilterError,
    ReferralFilter,
    ReferralRow,
    conversation_events,
    export_rows,
    has_conversations,
    one,
    parse_filter,
    search,
)
from verwijzing_rasa.pii import redact

CHANNELS = {Channel.WEB.value: "webchat", Channel.SMS.value: "sms", Channel.VOICE.value: "telefoon",
            Channel.STAFF.value: "VDAB-consulent"}
CONSENTS = {"in_persoon": "in persoon", "telefonisch": "telefonisch"}
# The export: what a manager needs to count and follow up. No conversation id (it leads to a
# transcript), no override reason (free text), no national or phone number (none is kept).
CSV_COLUMNS = ("id", "datum", "kanaal", "route", "regime", "in_aanmerking", "status", "boekingsreferentie",
               "vroeg_mens", "consulent", "toestemming", "gewijzigd", "oorspronkelijke_route", *KEPT_FACTS)


def _page_number(request: web.Request) -> int:
    raw = request.query.get("pagina", "1")
    return max(int(raw), 1) if raw.isdigit() and len(raw) < 7 else 1


def _subject(referral_id: int) -> str:
    return f"verwijzing:{referral_id}"


@login_required()
async def referral_list(request: web.Request) -> web.Response:
    """GET /staff/verwijzingen — newest first, 50 a page, filtered by the GET form."""
    page = _page_number(request)
    try:
        filters, error = parse_filter(request.query), None
    except FilterError as exc:
        filters, error = ReferralFilter(), str(exc)

    def load() -> tuple[int, list[ReferralRow]]:
        conversations = has_conversations(request.config_dict[ENGINE])
        with request.config_dict[SESSIONS]() as session:
            return search(session, filters, page=page, conversations=conversations)

    total, rows = (0, []) if error else await asyncio.to_thread(load)
    query = {k: v for k, v in request.query.items() if k != "pagina"}
    return render(request, "referrals.html", status=400 if error else 200, error=error, form=query,
                  rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                  query=urlencode(filters.as_query()), routes=[r.value for r in Route], statuses=STATUSES,
                  channels=CHANNELS)


def _referral_id(request: web.Request) -> int:
    raw = request.match_info["id"]
    if not raw.isdigit() or len(raw) > 12:
        raise web.HTTPNotFound(text="Deze verwijzing bestaat niet.")
    return int(raw)


async def _load_one(request: web.Request, referral_id: int) -> tuple[ReferralRow, BookingSummary | None]:
    def load() -> tuple[ReferralRow, BookingSummary | None] | None:
        conversations = has_conversations(request.config_dict[ENGINE])
        with request.config_dict[SESSIONS]() as session:
            return one(session, referral_id, conversations=conversations)

    found = await asyncio.to_thread(load)
    if found is None:
        raise web.HTTPNotFound(text="Deze verwijzing bestaat niet.")
    return found


@login_required()
async def referral_detail(request: web.Request) -> web.Response:
    """GET /staff/verwijzingen/{id} — the decision as it was made, the facts kept, the booking."""
    referral_id = _referral_id(request)
    row, booking = await _load_one(request, referral_id)
    await audit(request, "bekeken", _subject(referral_id), {"pagina": "verwijzing"})
    referral = row.referral
    facts = [(name, referral.facts[name]) for name in KEPT_FACTS if name in referral.facts]
    return render(request, "referral.html", row=row, referral=referral, decision=referral.decision, facts=facts,
                  booking=booking, statuses=STATUSES, channels=CHANNELS, consents=CONSENTS)


def transcript_lines(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who said what, when, redacted; a button's payload shown as the title the person saw."""
    lines: list[dict[str, Any]] = []
    last_titles: dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind not in ("user", "bot"):
            continue
        stamp = event.get("timestamp")
        when = _moment(stamp)
        if kind == "user":
            typed = str(event.get("text") or "")
            lines.append({"who": "burger", "when": when, "text": redact(last_titles.get(typed, typed)),
                          "handoff": False, "buttons": []})
        else:
            message = bot_message({"text": event.get("text"), "buttons": (event.get("data") or {}).get("buttons")})
            if not (message.text or message.buttons):
                continue
            handoff = (event.get("metadata") or {}).get("utter_action") in ("utter_mens", "utter_opgegeven")
            lines.append({"who": "assistent", "when": when, "text": redact(message.text), "handoff": handoff,
                          "buttons": [redact(b.title) for b in message.buttons]})
            if message.buttons:
                last_titles = {b.payload: b.title for b in message.buttons}
    return lines


def _moment(stamp: Any) -> dt.datetime | None:
    if not isinstance(stamp, (int, float)):
        return None
    return dt.datetime.fromtimestamp(stamp, dt.UTC).astimezone(BRUSSELS)


@login_required()
async def referral_conversation(request: web.Request) -> web.Response:
    """GET /staff/verwijzingen/{id}/gesprek — only for a conversation that asked for a person."""
    referral_id = _referral_id(request)
    row, _ = await _load_one(request, referral_id)
    if not (row.asked_for_person and row.referral.conversation_id):
        raise web.HTTPNotFound(text="Bij deze verwijzing hoort geen gesprek waarin iemand naar een mens vroeg.")
    events = await asyncio.to_thread(conversation_events, request.config_dict[ENGINE], row.referral.conversation_id)
    await audit(request, "bekeken", _subject(referral_id), {"pagina": "gesprek"})
    return render(request, "gesprek.html", referral=row.referral, lines=transcript_lines(events))


# A cell a spreadsheet would run as a formula ("=HYPERLINK(…)", "+1+1", "-2+3", "@SUM(…)"), also
# after a tab or carriage return: OWASP's CSV injection advice, a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """`cell` as a spreadsheet shows it and never runs it; numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _csv_line(row: ReferralRow) -> list[Any]:
    referral = row.referral
    override = referral.override or {}
    return [
        referral.id, row.local_time.isoformat(timespec="minutes"), referral.channel, referral.route, referral.regime,
        "ja" if referral.in_aanmerking else "nee", row.status, referral.booking_reference or "",
        "ja" if row.asked_for_person else "nee", referral.staff_member or "", referral.consent or "",
        "ja" if override else "nee", override.get("oorspronkelijke_route", ""),
        *(_csv_value(referral.facts.get(name)) for name in KEPT_FACTS),
    ]


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return value


@login_required()
async def referral_export(request: web.Request) -> web.Response:
    """GET /staff/verwijzingen.csv — the filtered list, one referral a line."""
    try:
        filters = parse_filter(request.query)
    except FilterError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None

    def build() -> tuple[str, int]:
        conversations = has_conversations(request.config_dict[ENGINE])
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        count = 0
        with request.config_dict[SESSIONS]() as session:
            for row in export_rows(session, filters, conversations=conversations):
                writer.writerow([spreadsheet_safe(cell) for cell in _csv_line(row)])
                count += 1
        return out.getvalue(), count

    body, count = await asyncio.to_thread(build)
    await audit(request, "export", None, {"wat": "verwijzingen", "regels": count, **filters.as_query()})
    return web.Response(text=body, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": 'attachment; filename="verwijzingen.csv"',
                                 "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def add_referral_routes(app: web.Application) -> None:
    app.router.add_get("/verwijzingen", referral_list)
    app.router.add_get("/verwijzingen.csv", referral_export)
    app.router.add_get("/verwijzingen/{id}", referral_detail)
    app.router.add_get("/verwijzingen/{id}/gesprek", referral_conversation)
