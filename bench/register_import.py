"""Importing a register of 2,000 counsellors (issue 19; docs/counsellors.md).

usage: .venv/bin/python -m bench.register_import [--counsellors 2000] [--database-url URL]

Makes a register of fictional counsellors (offices spread over Belgian postcodes, mixed
modalities and languages, a phone each), then on a fresh database (a temporary SQLite file
unless --database-url names an empty one): checks the file, imports it, and imports the same
file again (nothing changes). Prints each step's time and the rows written.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.nl_be import BRUSSELS
from verwijzing.store import Counsellor, make_engine, make_sessionmaker, upgrade

POSTCODES = ("1000", "1800", "2000", "2300", "2800", "3000", "3500", "3600", "8000", "8500", "9000", "9300")
MODALITIES = ("op_locatie;online", "online", "op_locatie;online;telefoon", "telefoon;online")


def register_file(count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i in range(count):
        writer.writerow([f"LK-2027-{i:05d}", f"Begeleider {i:05d}", f"begeleider{i}@example.be",
                         f"04{70 + i % 30} {i % 100:02d} {i // 100 % 100:02d} {i % 97:02d}",
                         f"Kantoorstraat {1 + i % 200}", POSTCODES[i % len(POSTCODES)],
                         MODALITIES[i % len(MODALITIES)], "nl;fr" if i % 3 else "nl;en",
                         "2026-09-01", "", "2027-01-01", "", "ja" if i % 2 else "nee"])
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counsellors", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    raw = register_file(args.counsellors)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'register.db'}"
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        now = dt.datetime(2027, 1, 4, 8, tzinfo=BRUSSELS)
        started = time.perf_counter()
        register = read_register(raw)
        checked = time.perf_counter() - started
        assert not register.problems, register.problems[:3]
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            with sessions.begin() as session:
                result = import_register(session, register.entries, now, b"bench-seal-key")
            timings.append((time.perf_counter() - started, result))
        with sessions() as session:
            rows = session.scalar(select(func.count()).select_from(Counsellor))
        engine.dispose()
    backend = url.split(":", 1)[0]
    print(f"register of {args.counsellors} counsellors ({len(raw) / 1024:.0f} KiB), {backend}:")
    print(f"  check the file:        {checked:.2f} s")
    print(f"  first import:          {timings[0][0]:.2f} s ({timings[0][1].added} new; {rows} counsellors stored)")
    print(f"  same file again:       {timings[1][0]:.2f} s ({timings[1][1].unchanged} unchanged, "
          f"{timings[1][1].changed} changed)")


if __name__ == "__main__":
    main()
