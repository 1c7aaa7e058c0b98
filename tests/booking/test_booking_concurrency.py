"""Many people (or retries) at the same moment: threads with their own sessions and connections,
released together by a barrier. Runs on both databases; PostgreSQL is the one that really
runs them in parallel (SQLite queues writers)."""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from booking_helpers import CITIZEN, NOW, at
from sqlalchemy import func, select

from tests.support.database import valid_insz
from verwijzing.booking import (
    BookingError,
    InsufficientCredit,
    SlotUnavailable,
    figures,
)
from verwijzing.store import Booking, LedgerEntry, OutboxMessage

ATTEMPTS = 200


def race(n: int, attempt: Callable[[int], Any]) -> list[tuple[str, Any]]:
    barrier = threading.Barrier(n)
    results: list[tuple[str, Any]] = [("missing", None)] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = ("ok", attempt(i))
        except BookingError as error:
            results[i] = ("refused", error)
        except Exception as error:  # noqa: BLE001 - a crash is what the test looks for
            results[i] = ("crash", error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def counts(sessions) -> dict[str, Any]:
    with sessions() as session:
        return {
            "bookings": session.scalar(select(func.count()).select_from(Booking)),
            "confirmed": session.scalar(
                select(func.count()).select_from(Booking).where(Booking.status == "confirmed")
            ),
            "debits": session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.reason == "reserve")
            ),
            "grants": session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.reason == "grant")
            ),
            "sms": session.scalar(select(func.count()).select_from(OutboxMessage)),
        }


@pytest.mark.timeout(90)
def test_200_people_try_to_book_the_same_slot(service, sessions, make):
    slot = make.slot(make.counsellor(), at(2))
    people = [valid_insz(dt.date(1970, 1, 1) + dt.timedelta(days=37 * i), i + 1) for i in range(ATTEMPTS)]

    def attempt(i: int):
        held = service.hold(slot, "web", f"request-{i}", modality="online", now=NOW)
        return service.confirm(held.reference, insz=people[i], phone="0470123456", now=NOW)

    started = time.perf_counter()
    results = race(ATTEMPTS, attempt)
    elapsed = time.perf_counter() - started
    outcomes = Counter(kind for kind, _ in results)
    print(f"\n{ATTEMPTS} simultaneous hold+confirm on one slot: {dict(outcomes)} in {elapsed:.2f}s; "
          f"store: {counts(sessions)}")
    assert outcomes == {"ok": 1, "refused": ATTEMPTS - 1}, [r for r in results if r[0] == "crash"][:3]
    assert all(isinstance(error, SlotUnavailable) for kind, error in results if kind == "refused")
    assert counts(sessions) == {"bookings": 1, "confirmed": 1, "debits": 1, "grants": 1, "sms": 1}


@pytest.mark.timeout(60)
def test_100_retries_of_the_same_confirmation_debit_once(service, sessions, make):
    slot = make.slot(make.counsellor(), at(2))
    held = service.hold(slot, "sms", "one-request", modality="telefoon", now=NOW)
    results = race(100, lambda i: service.confirm(held.reference, insz=CITIZEN, phone="0470123456", now=NOW))
    assert Counter(kind for kind, _ in results) == {"ok": 100}
    assert {view.reference for _, view in results} == {held.reference}
    assert counts(sessions) == {"bookings": 1, "confirmed": 1, "debits": 1, "grants": 1, "sms": 1}


@pytest.mark.timeout(60)
def test_one_person_confirming_many_slots_at_once_never_overspends(service, sessions, make):
    counsellor = make.counsellor()
    tries = 20
    slots = [make.slot(counsellor, at(2) + dt.timedelta(days=n)) for n in range(tries)]
    held = [service.hold(s, "web", f"r{n}", modality="online", now=NOW) for n, s in enumerate(slots)]
    results = race(tries, lambda i: service.confirm(held[i].reference, insz=CITIZEN, now=NOW))
    blocks = figures.credit_minutes(NOW.date()) // figures.block_minutes(NOW.date())
    outcomes = Counter(kind for kind, _ in results)
    assert outcomes == {"ok": blocks, "refused": tries - blocks}
    assert all(isinstance(error, InsufficientCredit) for kind, error in results if kind == "refused")
    state = counts(sessions)
    assert state["confirmed"] == blocks and state["debits"] == blocks and state["grants"] == 1
    assert service.remaining_hours(insz=CITIZEN) == 0


@pytest.mark.timeout(60)
def test_many_holds_on_many_slots_all_succeed(service, sessions, make):
    """The unique index blocks only the same slot: different slots do not wait on each other."""
    counsellor = make.counsellor()
    slots = [make.slot(counsellor, at(2) + dt.timedelta(hours=2 * n)) for n in range(30)]
    results = race(30, lambda i: service.hold(slots[i], "web", f"h{i}", modality="online", now=NOW))
    assert Counter(kind for kind, _ in results) == {"ok": 30}
    assert len({view.reference for _, view in results}) == 30
