"""Moments for 2,000 counsellors × 8 weeks, and the free-moment query at that size (issue 19;
docs/counsellors.md).

usage: .venv/bin/python -m bench.moments [--counsellors 2000] [--weeks 8] [--queries 300] [--database-url URL]

On a fresh database (a temporary SQLite file unless --database-url names an empty one): imports
a register of fictional counsellors (bench.register_import's), gives each weekly hours (four
rhythms: full days, mornings, afternoons with an evening, part-time), then times the worker's job
(`moments`) once from nothing and once more (nothing changes), counts the rows, and times the
free-moment query a booking asks (BookingService.free_slots, 3 moments, a random modality and
postcode) --queries times: p50 and p95.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

from bench.register_import import POSTCODES, register_file
from verwijzing.booking import BookingService
from verwijzing.counsellors.availability import modalities_text
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import read_register
from verwijzing.enums import Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.store import Counsellor, Slot, make_engine, make_sessionmaker, upgrade
from verwijzing.store.models import AvailabilityWindow
from verwijzing.worker.moments import keep_moments

# (weekdays, [(start, end)]) per rhythm; every counsellor gets the windows of one.
RHYTHMS = (
    (range(5), [(dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))]),
    (range(5), [(dt.time(9), dt.time(13))]),
    ((1, 3), [(dt.time(13, 30), dt.time(17, 30)), (dt.time(18), dt.time(20))]),
    ((0, 2, 4), [(dt.time(9), dt.time(15))]),
)


def give_hours(sessions) -> int:
    with sessions.begin() as session:
        counsellors = session.execute(select(Counsellor.id)).scalars().all()
        rows = []
        for i, counsellor_id in enumerate(counsellors):
            counsellor = session.get(Counsellor, counsellor_id)
            weekdays, windows = RHYTHMS[i % len(RHYTHMS)]
            for weekday in weekdays:
                for starts, ends in windows:
                    rows.append({"counsellor_id": counsellor_id, "weekday": weekday, "starts": starts, "ends": ends,
                                 "modalities": modalities_text(counsellor.modality_set), "location": None})
        session.execute(AvailabilityWindow.__table__.insert(), rows)
        return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counsellors", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    now = dt.datetime(2027, 3, 1, 8, tzinfo=BRUSSELS)  # the weeks cross the switch to summer time
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'moments.db'}"
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        register = read_register(register_file(args.counsellors))
        with sessions.begin() as session:
            import_register(session, register.entries, now, b"bench-seal-key")
        windows = give_hours(sessions)
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            counts = keep_moments(sessions, now, args.weeks)
            runs.append((time.perf_counter() - started, counts))
        with sessions() as session:
            rows = session.scalar(select(func.count()).select_from(Slot))
        if engine.dialect.name == "postgresql":
            # What autovacuum does after a bulk insert on a live server: without statistics the
            # planner takes 180,000 moments for one and picks a plan 250 times slower.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("ANALYZE"))
        service = BookingService(sessions, pepper=b"bench-pepper", clock=lambda: now)
        rng = random.Random(7)  # noqa: S311 - a repeatable mix of questions, not a secret
        timings = []
        for _ in range(args.queries):
            modality = rng.choice(list(Modality))
            started = time.perf_counter()
            day_from = now.date() + dt.timedelta(days=rng.randrange(14))
            offers = service.free_slots(rng.choice(POSTCODES), modality, day_from, limit=3, now=now)
            timings.append(time.perf_counter() - started)
            assert offers, "no free moment found"
        engine.dispose()
    backend = url.split(":", 1)[0]
    cuts = statistics.quantiles(timings, n=100)
    print(f"{args.counsellors} counsellors, {windows} weekly windows, {args.weeks} weeks, {backend}:")
    print(f"  first run of the moments job:  {runs[0][0]:.1f} s ({runs[0][1]['moments_added']} moments added)")
    print(f"  second run (nothing changes):  {runs[1][0]:.1f} s ({runs[1][1]})")
    print(f"  moments stored:                {rows}")
    print(f"  free-moment query ({args.queries}×):   p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
