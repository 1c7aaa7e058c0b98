"""Retention: our tables by the policy's bewaartermijn (booking/retention.py), and Rasa's stored
conversations (its tracker store's `events` table on the same database):
- events older than the policy's period go;
- a conversation with no event for VERWIJZING_ABANDONED_DAYS days is abandoned and goes whole.

Two clocks: our records carry the stack's reference time (VERWIJZING_PEILDATUM moves it), Rasa's
events carry the real time (float seconds since the epoch), so each is compared with its own.
One transaction under the job's advisory lock; idempotent (a second run finds nothing older).
Deleting conversations also ends their transcripts for staff and their place in the
dashboard's "started" count: that is what abandoned means here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import column, delete, func, inspect, select, table
from sqlalchemy.orm import Session, sessionmaker

import verwijzing.booking.figures as figures
from verwijzing.booking.clock import BRUSSELS
from verwijzing.booking.retention import apply_retention, years_before
from verwijzing.store.conversations import RASA_EVENTS
from verwijzing.worker.locks import try_job_lock

NAME = "retention"
_events = table(RASA_EVENTS, column("sender_id"), column("timestamp"))


@dataclass(frozen=True)
class ConversationCutoffs:
    """Epoch seconds: events before `events_before` go (None: the policy gives no period, keep);
    conversations whose last event is before `abandoned_before` go whole."""

    events_before: float | None
    abandoned_before: float


def conversation_cutoffs(wall_now: dt.datetime, years: int | None, abandoned_days: int) -> ConversationCutoffs:
    return ConversationCutoffs(
        events_before=years_before(wall_now, int(years)).timestamp() if years is not None else None,
        abandoned_before=(wall_now - dt.timedelta(days=abandoned_days)).timestamp(),
    )


def forget_conversations(session: Session, cutoffs: ConversationCutoffs) -> dict[str, int]:
    """Delete Rasa's old events and abandoned conversations, in the caller's transaction."""
    if not inspect(session.connection()).has_table(RASA_EVENTS):
        return {"events_deleted": 0, "conversations_deleted": 0}  # Rasa has stored nothing yet
    abandoned = (
        select(_events.c.sender_id)
        .group_by(_events.c.sender_id)
        .having(func.max(_events.c.timestamp) < cutoffs.abandoned_before)
    )
    conversations = session.scalar(select(func.count()).select_from(abandoned.subquery())) or 0
    deleted = _rowcount(session.execute(delete(_events).where(_events.c.sender_id.in_(abandoned))))
    if cutoffs.events_before is not None:
        deleted += _rowcount(session.execute(delete(_events).where(_events.c.timestamp < cutoffs.events_before)))
    return {"events_deleted": deleted, "conversations_deleted": conversations}


def run_retention(
    sessions: sessionmaker[Session], now: dt.datetime, wall_now: dt.datetime, abandoned_days: int
) -> dict[str, int]:
    """`now`: the stack's reference time (our records); `wall_now`: the real time (Rasa's events)."""
    with sessions.begin() as session:
        if not try_job_lock(session, NAME):
            return {"skipped": 1}
        report = apply_retention(session, now)
        years = figures.retention_years(now.astimezone(BRUSSELS).date())
        conversations = forget_conversations(session, conversation_cutoffs(wall_now, years, abandoned_days))
    return {
        "phones_cleared": report.phones_cleared,
        "bookings_deleted": report.bookings_deleted,
        "slots_deleted": report.slots_deleted,
        "referrals_deleted": report.referrals_deleted,
        "audit_deleted": report.audit_deleted,
        "outbox_deleted": report.outbox_deleted,
        "ledger_entries_folded": report.ledger_entries_folded,
        **conversations,
    }


def _rowcount(result: object) -> int:
    return getattr(result, "rowcount", 0) or 0
