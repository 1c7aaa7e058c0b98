"""The worker's jobs and their intervals, wired to one database and one SMS sender.

Clocks: `clock` is the stack's reference time (VERWIJZING_PEILDATUM moves the day), which
bookings, holds and slots are written in; `wall` is the real time, which the outbox's retry
times and Rasa's event timestamps are in.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from verwijzing.config import peildatum_now
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.sms import OutboxDispatcher
from verwijzing.worker import demo_agenda, holds, reminders, retention
from verwijzing.worker.schedule import Job

Clock = Callable[[], dt.datetime]

# Seconds between runs. The outbox often (a confirmation should arrive while the person is still
# in the chat); holds about as often as they can run out; the rest rarely.
SMS = "sms"  # the outbox: `verwijzing sms-dispatch` runs only this job
EVERY = {
    SMS: 5.0,
    holds.NAME: 60.0,
    reminders.NAME: 300.0,
    retention.NAME: 3600.0,
    demo_agenda.NAME: 3600.0,
}


def wall_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class WorkerSetup:
    sessions: sessionmaker[Session]
    dispatcher: OutboxDispatcher
    abandoned_days: int
    clock: Clock = peildatum_now
    wall: Clock = wall_now


def build_jobs(
    setup: WorkerSetup, *, only: Collection[str] | None = None, every: Mapping[str, float] | None = None
) -> list[Job]:
    """The jobs, in the order a pass runs them; `only` and `every` as for `run_worker`."""
    s = setup
    runs: dict[str, Callable[[], dict[str, int]]] = {
        SMS: lambda: s.dispatcher.drain(s.wall).counts(),
        holds.NAME: lambda: holds.expire_holds(s.sessions, s.clock()),
        reminders.NAME: lambda: reminders.queue_reminders(s.sessions, s.clock()),
        retention.NAME: lambda: retention.run_retention(s.sessions, s.clock(), s.wall(), s.abandoned_days),
        demo_agenda.NAME: lambda: demo_agenda.keep_demo_agenda(s.sessions, s.clock().astimezone(BRUSSELS).date()),
    }
    unknown = set(only or ()) - runs.keys()
    if unknown:
        raise ValueError(f"no such job: {', '.join(sorted(unknown))}")
    intervals = {**EVERY, **(every or {})}
    return [Job(name, intervals[name], run) for name, run in runs.items() if only is None or name in only]
