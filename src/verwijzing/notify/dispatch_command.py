"""`verwijzing sms-dispatch`: drain the outbox with the sender of the settings.

Logs counts and row ids, never numbers or texts. Stops cleanly on Ctrl-C or SIGTERM (from
scripts/run.sh) between passes, so no row is left in "sending" by a normal stop.
"""
from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable

from verwijzing.config import Settings
from verwijzing.notify.optout import ChannelSecretMissing
from verwijzing.notify.sender_choice import sender_from_settings
from verwijzing.notify.sms import DispatchReport, OutboxDispatcher
from verwijzing.store.engine import make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade

log = logging.getLogger("verwijzing.sms-dispatch")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_sms_dispatch(
    settings: Settings, *, once: bool, interval: float, clock: Callable[[], dt.datetime] = _now,
    stop: threading.Event | None = None,
) -> int:
    if not settings.channel_secret:
        raise ChannelSecretMissing(
            "VERWIJZING_CHANNEL_SECRET is empty: the dispatcher needs it to honour STOP (make setup fills it in)"
        )
    sender = sender_from_settings(settings)  # a ConfigError here names the missing setting
    _quiet_libraries()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)  # idempotent; the outbox columns of migration 0003 must be there
        dispatcher = OutboxDispatcher(make_sessionmaker(engine), sender, settings.channel_secret)
        if once:
            total = drain(dispatcher, clock)
            _log(total)
            print(f"{total.sent} sent")
            return 0
        _loop(dispatcher, clock, interval, stop or _stop_on_signals(), settings.sms_mode)
        return 0
    finally:
        engine.dispose()


def drain(dispatcher: OutboxDispatcher, clock: Callable[[], dt.datetime]) -> DispatchReport:
    """Passes until nothing due is left (a retry is due a minute later at the earliest, so this ends)."""
    total = DispatchReport()
    while True:
        report = dispatcher.run_once(clock())
        total = _add(total, report)
        if not report.busy:
            return total


def _loop(dispatcher: OutboxDispatcher, clock: Callable[[], dt.datetime], interval: float,
          stop: threading.Event, mode: str) -> None:
    log.info("sms-dispatch: %s mode, a pass every %g s", mode, interval)
    while not stop.is_set():
        try:
            report = drain(dispatcher, clock)
        except Exception:  # noqa: BLE001 - the database may be back at the next pass; keep going
            log.exception("sms-dispatch: pass failed; trying again in %g s", interval)
        else:
            if report.busy:
                _log(report)
        stop.wait(interval)
    log.info("sms-dispatch: stopped")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _add(a: DispatchReport, b: DispatchReport) -> DispatchReport:
    return DispatchReport(
        sent=a.sent + b.sent, retry_later=a.retry_later + b.retry_later, failed=a.failed + b.failed,
        opted_out=a.opted_out + b.opted_out, unknown=a.unknown + b.unknown, stuck=b.stuck,
    )


def _log(report: DispatchReport) -> None:
    log.info(
        "sms-dispatch: %d sent, %d to retry later, %d failed, %d not sent (opt-out), %d unknown, %d stuck in 'sending'",
        report.sent, report.retry_later, report.failed, report.opted_out, report.unknown, len(report.stuck),
    )


def _quiet_libraries() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Twilio's client logs every request's URL and headers at INFO: noise, not news.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
