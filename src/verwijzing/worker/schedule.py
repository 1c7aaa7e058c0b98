"""Run jobs, each on its own interval, until told to stop.

A job is a name, an interval and a function without arguments that returns counts. Decisions
(which jobs are due, how long to sleep) are pure functions of the start times; the loop only
calls them. A failing job is logged by its exception's type only (a database error's text can
hold the values of the statement, such as a phone number) and tried again at its next turn.
Stopping is checked between jobs: a job that runs finishes its transaction first.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

log = logging.getLogger("verwijzing.worker")

Counts = Mapping[str, int]


@dataclass(frozen=True)
class Job:
    name: str
    every: float  # seconds between the starts of two runs
    run: Callable[[], Counts]


def due(jobs: Sequence[Job], last_started: Mapping[str, float], now: float) -> list[Job]:
    """The jobs whose interval has passed since they last started (never started: due)."""
    return [job for job in jobs if job.name not in last_started or now - last_started[job.name] >= job.every]


def seconds_to_next(jobs: Sequence[Job], last_started: Mapping[str, float], now: float) -> float:
    """How long until the first job is due again (0 when one is due now)."""
    if not jobs:
        return math.inf
    return max(0.0, min(last_started.get(job.name, -math.inf) + job.every - now for job in jobs))


def run_one(job: Job) -> Counts | Exception:
    """Run a job; its counts, or the exception it raised (logged by type, never by text)."""
    try:
        counts = job.run()
    except Exception as error:  # noqa: BLE001 - the database may be back at the next turn; keep going
        log.error("worker: %s failed (%s); trying again in %g s", job.name, type(error).__name__, job.every)
        return error
    if any(counts.values()):
        log.info("worker: %s: %s", job.name, ", ".join(f"{k}={v}" for k, v in counts.items() if v))
    return counts


def run_pass(jobs: Sequence[Job], stop: threading.Event | None = None) -> dict[str, Counts | Exception]:
    """Every job once, in order (for `--once` and for tests)."""
    results: dict[str, Counts | Exception] = {}
    for job in jobs:
        if stop is not None and stop.is_set():
            break
        results[job.name] = run_one(job)
    return results


def run_forever(
    jobs: Sequence[Job], stop: threading.Event, monotonic: Callable[[], float] = time.monotonic
) -> None:
    last_started: dict[str, float] = {}
    while not stop.is_set():
        for job in due(jobs, last_started, monotonic()):
            if stop.is_set():
                break
            last_started[job.name] = monotonic()
            run_one(job)
        stop.wait(seconds_to_next(jobs, last_started, monotonic()))
