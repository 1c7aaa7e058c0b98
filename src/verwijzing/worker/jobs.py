"""The worker's jobs and their intervals, wired to one database, one SMS sender and one mail sender.

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
from verwijzing.notify.mail import MailDispatcher
from verwijzing.notify.sms import OutboxDispatcher
from verwijzing.worker import demo_agenda, holds, moments, reminders, retention
from verwijzing.worker.schedule import Job

Clock = Callable[[], dt.datetime]

# Seconds between runs. The outbox often (a confirmation should arrive while the person is still
# in the chat); holds about as often as they can run out; the rest rarely.
SMS = "sms"  # the outbox: `verwijzing sms-dispatch` runs only this job
MAIL = "mail"  # the e-mail outbox: only when the worker was given a MailDispatcher
EVERY = {
    SMS: 5.0,
    MAIL: 10.0,
    holds.NAME: 60.0,
    reminders.NAME: 300.0,
    retention.NAME: 3600.0,
    demo_agenda.NAME: 3600.0,
    # Counsellors' saved hours count at once; this adds the day that comes into view, follows the
    # register's mandate dates, and reads the counsellors' own calendars for their busy times.
    moments.NAME: 900.0,
}


def wall_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class WorkerSetup:
    sessions: sessionmaker[Session]
    dispatcher: OutboxDispatcher
    abandoned_days: int
    # How many weeks ahead the counsellors' hours become moments (VERWIJZING_AGENDA_WEEKS).
    agenda_weeks: int = 8
    clock: Clock = peildatum_now
    wall: Clock = wall_now
    mail: MailDispatcher | None = None
    # Opens the sealed addresses of the counsellors' own calendars (VERWIJZING_CHANNEL_SECRET).
    seal_key: bytes = b""
    # Keep the demo agenda (VERWIJZING_DEMO); off, the job is not run at all.
    demo: bool = True


def build_jobs(
    setup: WorkerSetup, *, only: Collection[str] | None = None, every: Mapping[str, float] | None = None
) -> list[Job]:
    """The jobs, in the order a pass runs them; `only` and `every` as for `run_worker`."""
    s = setup
    mail = s.mail
    runs: dict[str, Callable[[], dict[str, int]]] = {
        SMS: lambda: s.dispatcher.drain(s.wall).counts(),
        # Retry times are in the real time, as for SMS.
        **({MAIL: lambda: mail.drain(s.wall).counts()} if mail is not None else {}),
        holds.NAME: lambda: holds.expire_holds(s.sessions, s.clock()),
        reminders.NAME: lambda: reminders.queue_reminders(s.sessions, s.clock()),
        retention.NAME: lambda: retention.run_retention(s.sessions, s.clock(), s.wall(), s.abandoned_days),
        **({demo_agenda.NAME: lambda: demo_agenda.keep_demo_agenda(s.sessions, s.clock().astimezone(BRUSSELS).date())}
           if s.demo else {}),
        moments.NAME: lambda: moments.keep_moments(s.sessions, s.clock(), s.agenda_weeks, s.seal_key),
    }
    unknown = set(only or ()) - runs.keys() - ({demo_agenda.NAME} if not s.demo else set())
    if unknown:
        raise ValueError(f"no such job: {', '.join(sorted(unknown))}")
    intervals = {**EVERY, **(every or {})}
    return [Job(name, intervals[name], run) for name, run in runs.items() if only is None or name in only]
