"""Recording referrals from the conversation: each decision (its booking is linked when it is
confirmed, in the same transaction: verwijzing.booking.book).

Recording never stands between the person and their answer: when the database fails, the
person still gets the decision, and the log says which step failed and why in
terms of code (the error's type and lines), never the message, which could quote what was typed.
"""
from __future__ import annotations

import logging
import traceback
from functools import cache

from rasa_sdk import Tracker
from sqlalchemy.orm import Session, sessionmaker

from actions.services import channel_of
from verwijzing.config import peildatum_now, settings
from verwijzing.decision.facts import Facts
from verwijzing.decision.screening import Decision
from verwijzing.referrals.record import record_decision
from verwijzing.store import make_engine, make_sessionmaker

logger = logging.getLogger(__name__)


@cache
def _sessions(database_url: str) -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(database_url))


def store_sessions() -> sessionmaker[Session]:
    return _sessions(settings().database_url)


def _failed(step: str, exc: Exception) -> None:
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("referral not recorded (%s): %s\n%s", step, type(exc).__name__, frames)


def record_decision_of(tracker: Tracker, decision: Decision, facts: Facts) -> None:
    """One referral for this decision, with the person's channel and the conversation id."""
    try:
        with store_sessions().begin() as session:
            record_decision(session, decision=decision, facts=facts, channel=channel_of(tracker),
                            at=peildatum_now(), conversation_id=tracker.sender_id)
    except Exception as exc:  # noqa: BLE001 - the decision is said whatever happens here
        _failed("decision", exc)
