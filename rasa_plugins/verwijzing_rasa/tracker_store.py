"""Rasa's SQL tracker store, on the project's database, with national and phone numbers redacted.

Why redact in the tracker store: the action server must read the national number (INSZ) and the
phone number from the message once, to validate them and turn the national number into a keyed
hash. Everything that is kept after that turn must not hold them. Rasa keeps several copies of
what a person types — the user event's text, its parse data (text, entities, metadata) and the
channel's metadata — and all are written here. Redacting here, just before each save, covers
every channel (web, SMS, voice, staff) and the event broker in one place, keeps Rasa stock, and
leaves the in-memory turn untouched until its actions have run. Bot messages are redacted too:
none should echo a number, but if one ever did, it must not be kept either.

What counts as a number is `verwijzing_rasa.pii`, the same shape the booking reader uses, so a
spelling that the reader accepts cannot slip past. Redaction is by shape, not by checksum: a
mistyped number is never kept either. Slot values are the application's own state and are not
touched (the national-number slot holds its keyed hash, never the number). Rasa logs message
texts only at DEBUG level, which `make run` does not use.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from . import action_validation
from .pii import redact

# Rasa loads this module for every stack of the project (endpoints.yml): the place to make its
# check of action server answers cheap (see action_validation.py; same check, same errors).
action_validation.install()


def redact_value(value: Any) -> Any:
    """`value` with every string in it redacted (dicts and lists walked; other values kept)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def redact_event(event: Any) -> None:
    """Redacts, in place, every copy of typed text that an event carries into the database."""
    if isinstance(event, UserUttered):
        event.text = redact(event.text) if event.text else event.text
        event.entities = redact_value(event.entities)
        if isinstance(event.parse_data, dict):
            event.parse_data = redact_value(event.parse_data)
        if event.metadata:
            event.metadata = redact_value(event.metadata)
    elif isinstance(event, BotUttered):
        event.text = redact(event.text) if event.text else event.text
        event.data = redact_value(event.data)
        if event.metadata:
            event.metadata = redact_value(event.metadata)


def _settings_from_url(url: str) -> dict[str, Any]:
    """Rasa's SQLTrackerStore takes parts; the project configures one SQLAlchemy URL."""
    parsed = make_url(url)
    dialect = parsed.get_backend_name()  # "postgresql+psycopg" -> "postgresql" (psycopg2 here)
    return {
        "dialect": dialect,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
    }


# The same SQLite settings as the project's own engine (verwijzing.store.engine) for the same file.
SQLITE_BUSY_TIMEOUT_S = 30
SQLITE_POOL_SIZE = 5


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL (readers never block the writer) with synchronous=NORMAL: a commit no longer waits for
    the disk to flush (only checkpoints do); a power cut may lose the last turns, never corrupt
    the file. Rasa's default (synchronous=FULL) flushed on every save: most of a save's time."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def sqlite_engine(url: Any) -> sa.engine.Engine:
    """A pooled engine for a SQLite file. Rasa's default for SQLite opens a new connection for
    every read and every save (NullPool), which re-reads the schema each time; a small pool keeps
    them open. Rasa uses a connection from one task at a time, so sharing them across threads
    (check_same_thread off) is safe: the pool hands each connection to one user at a time."""
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=SQLITE_POOL_SIZE,
                              connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _is_sqlite_file(engine: sa.engine.Engine) -> bool:
    database = engine.url.database
    return engine.dialect.name == "sqlite" and bool(database) and database != ":memory:" \
        and not database.startswith("file::memory:")


class RedactingSQLTrackerStore(SQLTrackerStore):
    """endpoints.yml: `tracker_store: {type: verwijzing_rasa.tracker_store.RedactingSQLTrackerStore,
    url: ${DATABASE_URL}}`."""

    def __init__(self, domain=None, host: str | None = None, event_broker=None, **kwargs: Any) -> None:
        if host and "://" in host:
            kwargs = {**kwargs, **_settings_from_url(host)}
            host = kwargs.pop("host")
        super().__init__(domain, host=host, event_broker=event_broker, **kwargs)
        if _is_sqlite_file(self.engine):
            url = self.engine.url
            self.engine.dispose()
            self.engine = sqlite_engine(url)
            self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker) -> None:
        for event in tracker.events:
            redact_event(event)
        await super().save(tracker)
