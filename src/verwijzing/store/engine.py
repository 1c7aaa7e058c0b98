"""One way to get an engine and sessions for a database URL (SQLite file or PostgreSQL)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.config import settings

# Waiting this long for the SQLite write lock beats failing a booking under a short burst.
SQLITE_BUSY_TIMEOUT_S = 30


def normalise_url(url: str) -> str:
    """PostgreSQL URLs go through psycopg 3, whatever driver (if any) they name; spelled out so
    the URL does not depend on which driver a SQLAlchemy release takes by default."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default: settings().database_url).

    SQLite: the file's folder is created; every connection gets foreign keys on (SQLite has them
    off by default), WAL (readers do not block the writer) and a busy timeout; and every
    transaction starts with BEGIN IMMEDIATE. Without that, two transactions can both read and then
    both try to upgrade to a write lock, and SQLite fails one at once instead of waiting; taking
    the write lock up front makes writers queue, which is what a booking needs.
    """
    url = normalise_url(url or settings().database_url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, database: str | None, **kwargs: Any) -> Engine:
    in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
    if database and not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
    # Sessions may be used from the thread pool of the action server.
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so that our BEGIN is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: services return plain values built after the commit.
    return sessionmaker(engine, expire_on_commit=False)


def insert_for(bind: Engine | Connection | Session) -> Callable[[Any], postgresql.Insert | sqlite.Insert]:
    """The INSERT of the database behind `bind` that can say ON CONFLICT: PostgreSQL's or SQLite's
    (the same SQL, two constructs in SQLAlchemy). Two writers at once then wait or skip, never fail."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
