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
) -> Referral:
    """Keep the decision as it was made: `decision` is the screening output (contract.md:
    in_aanmerking, route, regime, redenen, …). It holds facts about the situation, not who the
    person is; do not put a national number, name or phone in it."""
    snapshot = dict(decision)
    referral = Referral(
        created_at=at,
        route=str(snapshot.get("route") or ""),
        regime=str(snapshot.get("regime") or ""),
        channel=Channel(channel).value,
        staff_member=staff_member,
        booking_reference=booking_reference,
        decision=snapshot,
    )
    session.add(referral)
    return referral
