"""One worker at a time per job, whatever the number of workers.

On PostgreSQL a job takes a transaction-level advisory lock named after it: a second worker that
finds it taken skips its turn (the first one does the work), and the lock goes with the commit or
rollback, so a worker that dies never leaves it behind. SQLite needs none: every write
transaction starts with BEGIN IMMEDIATE (store/engine.py), so workers take turns there anyway.
"""
from __future__ import annotations

import zlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_id(job: str) -> int:
    """A fixed number per job name (advisory locks are named by numbers)."""
    return zlib.crc32(f"verwijzing.worker.{job}".encode())


def try_job_lock(session: Session, job: str) -> bool:
    """Take the job's lock for the session's transaction; False when another worker holds it."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": lock_id(job)}))
