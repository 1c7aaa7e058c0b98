"""Two workers at once on PostgreSQL: every job of both runs at the same moment, several times.
Each reminder is queued once, each SMS is handed to the phone company once, and nothing fails."""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from worker_helpers import (
    BLOCK,
    EVENTS,
    at,
    book,
    counsellor,
    outbox,
    reminders,
    slot,
    worker_jobs,
)

from tests.support.database import require_postgres, temporary_postgres_database
from verwijzing.demo import counsellors as demo
from verwijzing.enums import OutboxStatus
from verwijzing.notify import LocalOutboxSender
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import Slot
from verwijzing.worker.schedule import run_pass

pytestmark = pytest.mark.postgres

BOOKINGS = 40
PASSES = 4


class SlowPhone(LocalOutboxSender):
    """Keeps what it is given, a little slowly, so the two workers' passes overlap."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def send(self, to: str, body: str) -> str | None:
        time.sleep(0.002)
        with self._lock:
            return super().send(to, body)


@pytest.fixture
def postgres_sessions() -> Iterator[sessionmaker[Session]]:
    with temporary_postgres_database(require_postgres()) as url:
        engine = make_engine(url, pool_size=10)
        try:
            upgrade(engine)
            EVENTS.create(engine)
            yield make_sessionmaker(engine)
        finally:
            engine.dispose()


def test_two_workers_racing_queue_each_reminder_once_and_send_each_sms_once(postgres_sessions):
    sessions = postgres_sessions
    with sessions.begin() as session:
        demo.seed_demo(session, BLOCK.date())
    starts = [at(4, 9), at(4, 11), at(4, 13, 30), at(4, 15, 30)]
    counsellors = [counsellor(sessions, f"Begeleider {c:02d}", "9000") for c in range(BOOKINGS // len(starts))]
    references = [book(sessions, slot(sessions, counsellors[n // len(starts)], starts[n % len(starts)]), n)
                  for n in range(BOOKINGS)]
    with sessions() as session:
        slots_before = session.scalar(select(func.count()).select_from(Slot))

    phone = SlowPhone()
    barrier = threading.Barrier(2)
    results: list[dict] = []
    engines = [make_engine(str(sessions.kw["bind"].url.render_as_string(hide_password=False))) for _ in range(2)]

    def worker(engine) -> None:
        own = make_sessionmaker(engine)
        for minute in range(PASSES):
            for job in worker_jobs(own, at(3, 10, minute), phone=phone).values():
                barrier.wait(timeout=60)  # both workers start the same job at the same moment
                results.append(run_pass([job]))

    threads = [threading.Thread(target=worker, args=(engine,)) for engine in engines]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for engine in engines:
            engine.dispose()

    assert len(results) == 2 * PASSES * 6
    errors = [(name, type(r).__name__) for result in results for name, r in result.items() if isinstance(r, Exception)]
    assert errors == []
    assert Counter(m.booking_reference for m in reminders(sessions)) == Counter(references)
    bodies = Counter(body for _, body in phone.delivered)
    assert len(bodies) == 2 * BOOKINGS  # a confirmation and a reminder per booking
    assert set(bodies.values()) == {1}  # none twice
    assert {m.status for m in outbox(sessions)} == {OutboxStatus.SENT}
    # The agenda job ran in both; the lock and ON CONFLICT kept it to one set of new slots.
    with sessions() as session:
        slot_count = session.scalar(select(func.count()).select_from(Slot))
        starts = session.execute(select(Slot.counsellor_id, Slot.starts_at)).all()
    assert slot_count > slots_before
    assert len(set(starts)) == len(starts)
