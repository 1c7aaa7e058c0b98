"""The scheduler: each job on its own interval; a failing job neither stops the others nor
writes what the failure said (a database error's text can hold a phone number)."""
from __future__ import annotations

import logging
import threading

from verwijzing.worker.schedule import Job, due, run_forever, seconds_to_next


def _job(name: str, every: float, calls: list[str] | None = None) -> Job:
    return Job(name, every, lambda: (calls.append(name) if calls is not None else None) or {"done": 1})


def test_each_job_is_due_on_its_own_interval():
    sms, retention = _job("sms", 5), _job("retention", 3600)
    jobs = [sms, retention]
    assert due(jobs, {}, 0) == jobs  # never ran: due at once
    assert due(jobs, {"sms": 0, "retention": 0}, 4.9) == []
    assert due(jobs, {"sms": 0, "retention": 0}, 5) == [sms]
    assert seconds_to_next(jobs, {"sms": 0, "retention": 0}, 2) == 3
    assert seconds_to_next(jobs, {"sms": 0}, 2) == 0


def test_the_loop_runs_jobs_by_interval_survives_a_failure_and_stops(caplog):
    calls: list[str] = []
    stop = threading.Event()
    clock = iter(range(0, 10_000))  # each look at the clock is a second later

    def broken() -> dict[str, int]:
        calls.append("broken")
        if calls.count("broken") >= 3:
            stop.set()
        raise ValueError("INSERT … VALUES ('+32470123456')")

    jobs = [_job("often", 1, calls), Job("broken", 4, broken), _job("rare", 1000, calls)]
    waits: list[float] = []
    real_wait = stop.wait
    stop.wait = lambda timeout=None: waits.append(timeout) or real_wait(0)  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="verwijzing.worker"):
        run_forever(jobs, stop, monotonic=lambda: float(next(clock)))

    assert calls.count("broken") == 3
    assert calls.count("rare") == 1
    assert calls.count("often") > calls.count("broken")
    assert "+32470123456" not in caplog.text
    assert "broken failed (ValueError)" in caplog.text
