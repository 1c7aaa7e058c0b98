"""The audit log (beheerder only): who viewed personal data, overrode, booked or cancelled, when."""
from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from verwijzing.enums import StaffRole
from verwijzing.gateway.forms import small_number
from verwijzing.gateway.keys import SESSIONS
from verwijzing.gateway.staff.auth import login_required
from verwijzing.gateway.staff.render import render
from verwijzing.store.models import AuditEntry

PAGE = 100
# (at, actor, action, subject, detail) of one AuditEntry.
Line = tuple[dt.datetime, str, str, str | None, dict[str, Any]]


@login_required(StaffRole.BEHEERDER)
async def audit_page(request: web.Request) -> web.Response:
    page = max(small_number(request.query.get("pagina", "1"), digits=6) or 1, 1)
    actor = request.query.get("wie", "").strip()
    action = request.query.get("wat", "").strip()

    def load() -> tuple[int, list[Line], Sequence[str]]:
        query = select(AuditEntry)
        if actor:
            query = query.where(AuditEntry.actor.contains(actor))
        if action:
            query = query.where(AuditEntry.action == action)
        with request.config_dict[SESSIONS]() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                   .offset((page - 1) * PAGE).limit(PAGE)).all()
            actions = session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
            return total, [(e.at, e.actor, e.action, e.subject, e.detail) for e in rows], actions

    total, entries, actions = await asyncio.to_thread(load)
    return render(request, "audit.html", entries=entries, total=total, page=page, pages=max(1, -(-total // PAGE)),
                  wie=actor, wat=action, actions=actions)


def add_audit_routes(app: web.Application) -> None:
    app.router.add_get("/audit", audit_page)
