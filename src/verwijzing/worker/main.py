"""The worker process, and its one start-up: `verwijzing worker` runs every job (the e-mail
outbox too), `verwijzing sms-dispatch` only the SMS outbox (the same job, so never an SMS twice).

It migrates, builds the jobs, and runs them until SIGTERM/Ctrl-C (checked between jobs, so no
transaction is cut off and no SMS left half-sent by a normal stop). Logs counts only, never
numbers or texts. Several workers may run at once (see locks.py and the jobs' modules); on
SQLite they take turns on the database's write lock.
"""
from __future__ import annotations

import json
import logging
import signal
import threading
from collections.abc import Collection, Mapping

from verwijzing.config import Settings
from verwijzing.notify.mail import MailDispatcher, mail_sender_from
from verwijzing.notify.optout import ChannelSecretMissing
from verwijzing.notify.sender_choice import sender_from_settings
from verwijzing.notify.sms import OutboxDispatcher
from verwijzing.store.engine import make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade
from verwijzing.worker.jobs import MAIL, WorkerSetup, build_jobs
from verwijzing.worker.schedule import log, run_forever, run_pass


def run_worker(
    settings: Settings,
    *,
    once: bool,
    only: Collection[str] | None = None,
    every: Mapping[str, float] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """`only`: the names of the jobs to run (default all); `every`: other intervals, in seconds."""
    if not settings.channel_secret:
        raise ChannelSecretMissing(
            "VERWIJZING_CHANNEL_SECRET is empty: the SMS job needs it to honour STOP (make setup fills it in)"
        )
    sender = sender_from_settings(settings)  # a ConfigError here names the missing setting
    # Only for a worker that runs the mail job: `sms-dispatch` must not need the mail settings.
    mail_sender = mail_sender_from(settings) if only is None or MAIL in only else None
    _quiet_libraries()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        mail = MailDispatcher(sessions, mail_sender, settings.mail_from) if mail_sender is not None else None
        jobs = build_jobs(WorkerSetup(
            sessions=sessions, dispatcher=OutboxDispatcher(sessions, sender, settings.channel_secret),
            abandoned_days=settings.abandoned_days, mail=mail, agenda_weeks=settings.agenda_weeks,
            seal_key=settings.channel_secret, demo=settings.demo,
        ), only=only, every=every)
        if once:
            results = run_pass(jobs)
            print(json.dumps({name: r if isinstance(r, dict) else {"error": type(r).__name__}
                              for name, r in results.items()}))
            return 1 if any(isinstance(r, Exception) for r in results.values()) else 0
        log.info("worker: %s SMS mode, %s mail mode; jobs: %s", settings.sms_mode, settings.mail_mode,
                 ", ".join(f"{job.name} every {job.every:g} s" for job in jobs))
        run_forever(jobs, stop or _stop_on_signals())
        log.info("worker: stopped")
        return 0
    finally:
        engine.dispose()


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _quiet_libraries() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Twilio's client logs every request's URL and headers at INFO: noise, not news.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
