"""Expire holds that ran out, so lists and the dashboard do not show them as held.

Claiming a slot already expires that slot's old holds (booking/queries.py); this sweep is
tidiness for all the others. Idempotent: a hold expires once, a second run finds none."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

import verwijzing.booking.queries as queries
from verwijzing.worker.locks import try_job_lock

NAME = "holds"


def expire_holds(sessions: sessionmaker[Session], now: dt.datetime) -> dict[str, int]:
    with sessions.begin() as session:
        if not try_job_lock(session, NAME):
            return {"skipped": 1}
        return {"expired": queries.expire_holds(session, now)}
