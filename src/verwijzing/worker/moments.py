"""Keep every counsellor's moments in line with their hours, a number of weeks ahead
(counsellors/moments.py): each day a new day enters the horizon, and a date override or a
changed mandate changes what a day holds. In batches, each its own transaction, so that a large
register does not hold one long lock; under the job's advisory lock on PostgreSQL.

Before a batch, the calendars its counsellors linked are read (counsellors/busy.py), a few at a
time and outside any transaction: a slow calendar holds no lock (on SQLite every transaction
takes the write lock). What they gave, busy times or a problem, is kept in the batch's
transaction, and its moments follow the stored busy times."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from verwijzing.counsellors.busy import Fetch, busy_of, fetch_calendar, linked_calendars, read_calendars, record_read
from verwijzing.counsellors.hours import block_of
from verwijzing.counsellors.moments import SyncResult, counsellors_with_hours, sync_moments
from verwijzing.worker.locks import try_job_lock

NAME = "moments"
BATCH = 200


def keep_moments(sessions: sessionmaker[Session], now: dt.datetime, weeks: int, seal_key: bytes = b"",
                 fetch: Fetch = fetch_calendar) -> dict[str, int]:
    """`seal_key` opens the calendars' addresses (VERWIJZING_CHANNEL_SECRET). The counts tell how
    many calendars were read and how many of them failed, once any counsellor linked one."""
    with sessions.begin() as session:
        if not try_job_lock(session, NAME):
            return {"skipped": 1}
        ids = counsellors_with_hours(session)
    total = SyncResult()
    calendars = problems = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        with sessions() as session:
            linked = linked_calendars(session, batch)
        outcomes = read_calendars(linked, now, weeks, seal_key, fetch)
        with sessions.begin() as session:
            if not try_job_lock(session, NAME):  # another worker took over between two batches
                break
            for counsellor_id in sorted(outcomes):  # in id order, as sync_moments locks them
                outcome = outcomes[counsellor_id]
                if record_read(session, counsellor_id, outcome, now, sealed=linked[counsellor_id]):
                    calendars += 1
                    problems += not isinstance(outcome, list)
            total += sync_moments(session, batch, now, weeks, block_of, busy=busy_of(session, batch))
    counts = total.counts()
    if calendars:
        counts |= {"calendars_read": calendars, "calendar_problems": problems}
    return counts
