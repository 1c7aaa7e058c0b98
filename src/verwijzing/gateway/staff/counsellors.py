"""`/staff/begeleiders` (beheerder only): the counsellors of the register, whether each has an
account, and the button that invites one (counsellors/invitations.py)."""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import or_, select

from verwijzing.counsellors.invitations import InvitationError, invite
from verwijzing.enums import StaffRole
from verwijzing.gateway.forms import small_number
from verwijzing.gateway.keys import SESSIONS, SETTINGS
from verwijzing.gateway.staff.auth import actor, checked_form, login_required, now
from verwijzing.gateway.staff.render import render
from verwijzing.nl_be import BRUSSELS
from verwijzing.privacy.audit import record_audit
from verwijzing.staff.accounts import has_password
from verwijzing.store.models import Counsellor
from verwijzing.store.staff_models import StaffInvitation, StaffUser

PATH = "/staff/begeleiders"
# The register has thousands of counsellors: the page shows the first matches of a search.
SHOWN = 50


@dataclass(frozen=True)
class Row:
    id: int
    mandate_number: str
    name: str
    email: str | None
    account: str  # in words: what the beheerder can do next depends on it
    can_invite: bool


def _account(user: StaffUser | None, invitation: StaffInvitation | None, at: dt.datetime) -> tuple[str, bool]:
    if user is None:
        return "geen account", True
    if has_password(user):
        return f"actief ({user.login})", False
    if invitation is not None and invitation.used_at is None and invitation.expires_at > at:
        until = invitation.expires_at.astimezone(BRUSSELS)
        return f"uitgenodigd, de link werkt tot {until:%d/%m %H:%M}", True
    return "uitgenodigd, de link is verlopen", True


@login_required(StaffRole.BEHEERDER)
async def counsellors_page(request: web.Request) -> web.Response:
    query = request.query.get("zoek", "").strip()[:80]
    invited = request.query.get("uitgenodigd", "")

    def load() -> tuple[list[Row], int, str | None]:
        at = now()
        statement = (select(Counsellor, StaffUser, StaffInvitation)
                     .outerjoin(StaffUser, StaffUser.counsellor_id == Counsellor.id)
                     .outerjoin(StaffInvitation, StaffInvitation.user_id == StaffUser.id)
                     .where(Counsellor.mandate_number.is_not(None)))
        if query:
            like = f"%{query.lower()}%"
            statement = statement.where(or_(Counsellor.name.ilike(like), Counsellor.mandate_number.ilike(like),
                                            Counsellor.email.ilike(like)))
        with request.config_dict[SESSIONS]() as session:
            found = session.execute(statement.order_by(Counsellor.name, Counsellor.id).limit(SHOWN + 1)).all()
            rows = [Row(c.id, c.mandate_number or "", c.name, c.email, *_account(u, i, at))
                    for c, u, i in found[:SHOWN]]
            name = None
            if (invited_id := small_number(invited)) is not None:
                counsellor = session.get(Counsellor, invited_id)
                name = counsellor.name if counsellor else None
            return rows, len(found), name

    rows, found, invited_name = await asyncio.to_thread(load)
    return render(request, "begeleiders.html", rows=rows, zoek=query, more=found > SHOWN, shown=SHOWN,
                  invited=invited_name)


@login_required(StaffRole.BEHEERDER)
async def invite_counsellor(request: web.Request) -> web.StreamResponse:
    await checked_form(request)
    counsellor_id = small_number(request.match_info["counsellor"])
    if counsellor_id is None:
        raise web.HTTPNotFound(text="Deze begeleider bestaat niet.")
    who, base_url = actor(request), request.config_dict[SETTINGS].public_base_url

    def send() -> str | None:
        with request.config_dict[SESSIONS].begin() as session:
            try:
                invited = invite(session, counsellor_id, now(), base_url)
            except InvitationError as refused:
                return str(refused)
            record_audit(session, actor=who, action="begeleider_uitgenodigd", subject=str(counsellor_id),
                         detail={"nieuw_account": invited.new_account}, at=now())
            return None

    refused = await asyncio.to_thread(send)
    if refused is not None:
        return render(request, "begeleiders.html", rows=[], zoek="", more=False, shown=SHOWN, invited=None,
                      error=refused, status=409)
    raise web.HTTPFound(f"{PATH}?uitgenodigd={counsellor_id}")


def add_counsellor_routes(app: web.Application) -> None:
    app.router.add_get("/begeleiders", counsellors_page)
    app.router.add_post("/begeleiders/{counsellor}/uitnodigen", invite_counsellor)
