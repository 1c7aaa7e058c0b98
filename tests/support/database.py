"""Test support for anything that needs a real database. A pytest plugin (pyproject.toml loads it
with `-p tests.support.database`), so every test can ask for its fixtures: a test that uses `db`
runs twice, on a fresh SQLite file and on a fresh PostgreSQL
database created for the test session (and dropped after it). Only test code imports this
module (it needs pytest, a test extra).

PostgreSQL is found at VERWIJZING_TEST_POSTGRES_URL (default: the local `test` database as
postgres). When it does not answer the PostgreSQL variants are skipped, saying why, except when
CI=true: there a missing PostgreSQL is a failure, so a broken CI cannot look green.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from verwijzing.store.engine import make_engine, normalise_url
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import Base

POSTGRES_URL_VARIABLE = "VERWIJZING_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_admin_url() -> str:
    return normalise_url(os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL)


def postgres_unavailable(url: str) -> str | None:
    """Why PostgreSQL cannot be used at `url`, or None when it answers."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except Exception as error:  # noqa: BLE001 - any reason is a reason to skip
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    finally:
        engine.dispose()


def require_postgres() -> str:
    url = postgres_admin_url()
    reason = postgres_unavailable(url)
    if reason is None:
        return url
    where = make_url(url).render_as_string(hide_password=True)
    message = f"PostgreSQL does not answer at {where} ({reason}); set {POSTGRES_URL_VARIABLE}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, so PostgreSQL is required: {message}", pytrace=False)
    pytest.skip(message)


@contextmanager
def temporary_postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty database for the duration of the block (dropped even if connections linger)."""
    name = f"verwijzing_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def temporary_sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="verwijzing-test-") as folder:
        yield f"sqlite:///{Path(folder) / 'store.db'}"


@contextmanager
def temporary_database(backend: str) -> Iterator[str]:
    """An empty database of the given backend ("sqlite" or "postgresql"), URL yielded."""
    if backend == "sqlite":
        with temporary_sqlite_database() as url:
            yield url
    else:
        with temporary_postgres_database(require_postgres()) as url:
            yield url


def clear_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def dump_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the database (reflected, so tables the models do not know are
    included too), for checks like "this value is stored nowhere"."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: [dict(row._mapping) for row in connection.execute(select(table))]  # noqa: SLF001 - public, despite the name
            for name, table in metadata.tables.items()
        }


def valid_insz(birth: dt.date, counter: int, *, bis: int = 0) -> str:
    """A made-up national number with correct check digits (no real person is looked up).
    `bis` adds 20 or 40 to the month, as BIS numbers do."""
    body = f"{birth.year % 100:02d}{birth.month + bis:02d}{birth.day:02d}{counter:03d}"
    base = int(("2" if birth.year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database for the whole test session, once per backend."""
    with temporary_database(request.param) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        yield url


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    # Enough connections for the concurrency tests, well below PostgreSQL's default of 100.
    options: dict[str, Any] = {}
    if database_url.startswith("postgresql"):
        options = {"pool_size": 20, "max_overflow": 40, "pool_timeout": 60}
    engine = make_engine(database_url, **options)
    yield engine
    engine.dispose()


@pytest.fixture
def db(db_engine: Engine) -> Engine:
    """The session's database, emptied before the test."""
    clear_tables(db_engine)
    return db_engine


@pytest.fixture(params=BACKENDS)
def fresh_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty database of its own (not migrated), once per backend: for migration tests."""
    with temporary_database(request.param) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()
