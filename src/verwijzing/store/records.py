"""Writing the audit log and referral snapshots, inside the caller's transaction."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from verwijzing.store.models import AuditEntry, Channel, Referral


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str | None = None,
    detail: Mapping[str, Any] | None = None,
    at: dt.datetime,
) -> AuditEntry:
    """Add one audit entry. Pass references and ids, never a name, number or phone: the audit
    log is kept as long as the files and read by staff who do not need to know who it was."""
    entry = AuditEntry(at=at, actor=actor, action=action, subject=subject, detail=dict(detail or {}))
    session.add(entry)
    return entry


def record_referral(
    session: Session,
    *,
    decision: Mapping[str, Any],
    channel: Channel | str,
    at: dt.datetime,
    staff_member: str | None = None,
    booking_reference: str | None = None,
    facts: Mapping[str, Any] | None = None,
    conversation_id: str | None = None,
    consent: str | None = None,
    override: Mapping[str, Any] | None = None,
    route: str | None = None,
) -> Referral:
    """Keep the decision as it was made: `decision` is the screening output (contract.md:
    in_aanmerking, route, regime, redenen, …). It holds facts about the situation, not who the
    person is; do not put a national number, name or phone in it. This writes what it is given;
    verwijzing.referrals.record_decision decides what to keep and checks it (use that one).
    `route` is where the person was sent when it is not the decision's (a staff override)."""
    snapshot = dict(decision)
    referral = Referral(
        created_at=at,
        route=str(route or snapshot.get("route") or ""),
        regime=str(snapshot.get("regime") or ""),
        in_aanmerking=bool(snapshot.get("in_aanmerking")),
        channel=Channel(channel).value,
        conversation_id=conversation_id,
        staff_member=staff_member,
        consent=consent,
        override=dict(override) if override is not None else None,
        booking_reference=booking_reference,
        facts=dict(facts or {}),
        decision=snapshot,
    )
    session.add(referral)
    return referral
