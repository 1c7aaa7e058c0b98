"""Keep every counsellor's moments in line with their hours, a number of weeks ahead
(counsellors/moments.py): each day a new day enters the horizon, and a date override or a
changed mandate changes what a day holds. In batches, each its own transaction, so that a large
register does not hold one long lock; under the job's advisory lock on PostgreSQL."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from verwijzing.counsellors.hours import block_of
from verwijzing.counsellors.moments import SyncResult, counsellors_with_hours, sync_moments
from verwijzing.worker.locks import try_job_lock

NAME = "moments"
BATCH = 200


def keep_moments(sessions: sessionmaker[Session], now: dt.datetime, weeks: int) -> dict[str, int]:
    with sessions.begin() as session:
        if not try_job_lock(session, NAME):
            return {"skipped": 1}
        ids = counsellors_with_hours(session)
    total = SyncResult()
    for start in range(0, len(ids), BATCH):
        with sessions.begin() as session:
            if not try_job_lock(session, NAME):  # another worker took over between two batches
                break
            total += sync_moments(session, ids[start:start + BATCH], now, weeks, block_of)
    return total.counts()
