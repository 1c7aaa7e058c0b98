"""Rasa's stored conversations (its SQL tracker store's `events` table) on our database.

Rasa has no API to forget a conversation, so erasing one ("Wis mijn gesprek", SMS "WIS JA")
deletes its rows here, in the table Rasa's SQLTrackerStore owns, in one transaction with the rest
of what hangs on it: its referrals lose the link (their facts stay, without anything that leads to
the person, for the statistics the notice names), the SMS texts already sent about its bookings go,
and a tombstone (`erased_conversations`) tells the tracker store not to write back a turn that was
running meanwhile. A booking itself stays: only cancelling ends it, and the page says so.
"""
from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import Engine, column, delete, inspect, select, table, update
from sqlalchemy.orm import Session

from verwijzing.enums import OutboxStatus
from verwijzing.store.case_models import Case
from verwijzing.store.engine import insert_for
from verwijzing.store.models import ErasedConversation, OutboxMessage, Referral

RASA_EVENTS = "events"
# The columns we read of Rasa's table (Rasa owns it: no model, no migration of ours).
EVENTS = table(RASA_EVENTS, column("sender_id"), column("type_name"), column("timestamp"))
# How long a tombstone is kept: far longer than any turn runs. After that it would only keep the
# id of a conversation the person asked to erase.
TOMBSTONE_KEPT = dt.timedelta(days=1)


def erase_conversation(engine: Engine, sender_id: str, at: float | None = None) -> dict[str, int]:
    """Erase one conversation (see above); how many events, referral links and SMS texts went."""
    at = time.time() if at is None else at
    insert = insert_for(engine)
    tombstone = insert(ErasedConversation).values(sender_id=sender_id, erased_at=at)
    with engine.begin() as connection:
        connection.execute(tombstone.on_conflict_do_update(index_elements=["sender_id"], set_={"erased_at": at}))
        references = [r for r in connection.execute(
            select(Referral.booking_reference).where(Referral.conversation_id == sender_id)).scalars() if r]
        unlinked = connection.execute(
            update(Referral).where(Referral.conversation_id == sender_id).values(conversation_id=None)).rowcount
        texts = connection.execute(delete(OutboxMessage).where(
            OutboxMessage.booking_reference.in_(references),
            OutboxMessage.status == OutboxStatus.SENT.value)).rowcount if references else 0
        # A hand-over's case goes with it: what the person wrote to the consulent, a sealed number.
        cases = connection.execute(delete(Case).where(Case.conversation_id == sender_id)).rowcount
        events = 0
        if inspect(connection).has_table(RASA_EVENTS):  # Rasa may have stored nothing yet
            events = connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount
    return {"events": events or 0, "referrals_unlinked": unlinked or 0, "sms_texts": texts or 0,
            "cases": cases or 0}


def forget_tombstones(session: Session, now: dt.datetime) -> int:
    """Drop the tombstones older than TOMBSTONE_KEPT (the worker's retention); how many went."""
    done = session.execute(delete(ErasedConversation).where(
        ErasedConversation.erased_at < (now - TOMBSTONE_KEPT).timestamp()))
    return getattr(done, "rowcount", 0) or 0


def drop_events(session: Session, sender_id: str) -> int:
    """Rasa's stored events of one conversation, deleted in the caller's transaction (a
    conversation moved to another id: see handover/carry.py); no tombstone, nothing else."""
    if not inspect(session.connection()).has_table(RASA_EVENTS):
        return 0
    return getattr(session.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id)), "rowcount", 0) or 0
