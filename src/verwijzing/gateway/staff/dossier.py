"""A case found by its code (issue 20): `GET /staff/dossier?code=…`, for a consulent at a counter or
on the phone whose caller gives the code.

The code is the person's to give: who has it sees the conversation (redacted, as everywhere in the
console), the facts so far, the referrals made in it and their bookings, and any hand-over. Every
look is in the audit log. A code that is not a case code is never looked up."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import select

from verwijzing.enums import CaseStatus
from verwijzing.gateway.assistant import AssistantUnavailable, transcript
from verwijzing.gateway.handover import Lines, transcript_lines
from verwijzing.gateway.keys import ASSISTANT, SESSIONS
from verwijzing.gateway.staff.auth import audit, login_required
from verwijzing.gateway.staff.dashboard import CHANNEL_WORDS
from verwijzing.gateway.staff.handover_pages import facts_of, intake_link
from verwijzing.gateway.staff.render import render
from verwijzing.handover import queue
from verwijzing.handover.codes import LENGTH, LOOK_ALIKES, normalise_code
from verwijzing.nl_be import BRUSSELS
from verwijzing.store.case_models import Case
from verwijzing.store.models import Referral

STATUS_WORDS = {
    CaseStatus.ASSISTANT.value: "met de assistent (niemand vroeg naar een mens)",
    CaseStatus.WAITING.value: "wacht op een consulent",
    CaseStatus.WITH_STAFF.value: "bij een consulent",
    CaseStatus.BACK.value: "teruggegeven aan de assistent",
    CaseStatus.CLOSED.value: "afgesloten",
    CaseStatus.CALLBACK_ASKING.value: "vraagt om terugbellen",
    CaseStatus.CALLBACK.value: "wil teruggebeld worden",
}


@dataclass(frozen=True)
class ReferralRow:
    id: int
    created: str
    route: str
    booking_reference: str | None


@login_required()
async def dossier(request: web.Request) -> web.Response:
    typed = request.query.get("code", "")
    if not typed:
        return render(request, "dossier.html", case=None, typed="", error=None, length=LENGTH)
    code = normalise_code(typed)
    if code is None:
        return render(request, "dossier.html", case=None, typed=typed[:20], status=400, length=LENGTH,
                      error=f"Een dossiercode heeft {LENGTH} tekens, zonder {', '.join(sorted(LOOK_ALIKES))}.")

    def load() -> tuple[Case, list[ReferralRow], Lines] | None:
        with request.config_dict[SESSIONS]() as session:
            case = queue.find(session, code)
            if case is None:
                return None
            made = session.scalars(select(Referral).where(Referral.conversation_id == case.conversation_id)
                                   .order_by(Referral.created_at))
            referrals = [ReferralRow(r.id, r.created_at.astimezone(BRUSSELS).strftime("%d-%m-%Y %H:%M"), r.route,
                                     r.booking_reference) for r in made]
            lines = transcript_lines(queue.messages(session, case))
            session.expunge(case)
            return case, referrals, lines

    found = await asyncio.to_thread(load)
    if found is None:
        return render(request, "dossier.html", case=None, typed=code, status=404, length=LENGTH,
                      error="Er is geen dossier met die code. Kijk de code na met de persoon.")
    case, referrals, lines = found
    await audit(request, "dossier_bekeken", case.code, {})
    try:
        events = await request.config_dict[ASSISTANT].events(case.conversation_id)
    except AssistantUnavailable:
        events = []
    return render(request, "dossier.html", case=case, typed=code, error=None, length=LENGTH,
                  channel=CHANNEL_WORDS[case.channel], status_words=STATUS_WORDS[case.status],
                  waiting=case.status == CaseStatus.WAITING.value, referrals=referrals,
                  facts=facts_of(events), intake=intake_link(events), lines=transcript(events, lines),
                  unreachable=not events)


def add_dossier_routes(app: web.Application) -> None:
    app.router.add_get("/dossier", dossier)
