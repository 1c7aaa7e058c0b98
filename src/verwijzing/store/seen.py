"""Webhook ids already answered (`webhooks_seen`): a signed Twilio webhook that comes a second
time is a replay, answered once (gateway/twilio_auth.seen_before).

Twilio signs the URL and the form, not the moment: a captured request stays valid. Each SMS has
its own MessageSid, so the first request with an id is acted on and any later one with the same
id gets an empty answer. The phone has no id per request (every webhook of a call carries the
same CallSid), so it records the CallSid of a call's start and, for each later step, the random
step id that the previous reply put in its URLs (gateway/voice/webhook.py). In the database, so
two gateways agree; the worker's retention forgets them after REMEMBERED.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from verwijzing.store.engine import insert_for
from verwijzing.store.models import WebhookSeen

# How long an id is remembered: a replay later than this is a very old capture, and the
# conversation it targets has moved on (and retention has forgotten the id).
REMEMBERED = dt.timedelta(days=1)


def first_time(session: Session, sid: str, at: dt.datetime) -> bool:
    """Record `sid`; whether it was new. Two requests at once: exactly one of them is first."""
    values = {"sid": sid[:64], "seen_at": at}
    statement = insert_for(session)(WebhookSeen).values(values).on_conflict_do_nothing()
    # RETURNING, not rowcount: a skipped row is no row back on both databases.
    return session.execute(statement.returning(WebhookSeen.sid)).first() is not None


def forget_seen(session: Session, before: dt.datetime) -> int:
    """Forget the ids seen before `before` (the worker's retention); how many went."""
    return getattr(session.execute(delete(WebhookSeen).where(WebhookSeen.seen_at < before)), "rowcount", 0) or 0
