"""Rasa's stored conversations (its SQL tracker store's `events` table) on our database.

Rasa has no API to forget a conversation, so erasing one ("Wis mijn gesprek") deletes its rows
here, in the table Rasa's SQLTrackerStore owns. Rasa reads a tracker from this table on every
turn, so the next message starts a new conversation.
"""
from __future__ import annotations

from sqlalchemy import Engine, column, delete, inspect, table

RASA_EVENTS = "events"
# The columns we read of Rasa's table (Rasa owns it: no model, no migration of ours).
EVENTS = table(RASA_EVENTS, column("sender_id"), column("type_name"), column("timestamp"))


def erase_conversation(engine: Engine, sender_id: str) -> int:
    """Delete every stored event of one conversation; returns how many were deleted."""
    if not inspect(engine).has_table(RASA_EVENTS):
        return 0  # Rasa has stored nothing yet on this database
    with engine.begin() as connection:
        result = connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
    return result.rowcount or 0
