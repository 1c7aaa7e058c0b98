"""The audit trail: who did what to a booking, a referral or an account, and when; written inside
the caller's transaction, so an action and its audit line commit together."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from verwijzing.store.models import AuditEntry


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
