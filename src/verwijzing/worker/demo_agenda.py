"""Keep the demo agenda four weeks ahead, only on a demo database.

A demo database is one that holds every fictional counsellor of verwijzing.demo.counsellors (each name at
its own office): a real database cannot match all of them by chance, so no slot is ever invented
for a real counsellor. Idempotent (top_up_demo adds only missing slots, ON CONFLICT DO NOTHING),
and under the job's advisory lock on PostgreSQL.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from verwijzing.demo import counsellors as demo
from verwijzing.worker.locks import try_job_lock

NAME = "demo-agenda"


def is_demo_database(demo_counsellors_found: int, demo_counsellors_made: int) -> bool:
    return demo_counsellors_made > 0 and demo_counsellors_found == demo_counsellors_made


def keep_demo_agenda(sessions: sessionmaker[Session], today: dt.date) -> dict[str, int]:
    with sessions.begin() as session:
        if not try_job_lock(session, NAME):
            return {"skipped": 1}
        # demo.py keeps the fictional counsellors' names and offices; these two read them.
        found = len(demo._demo_counsellors(session))  # noqa: SLF001
        if not is_demo_database(found, len(demo.register_entries())):
            return {"slots_added": 0}
        return {"slots_added": demo.top_up_demo(session, today)}
