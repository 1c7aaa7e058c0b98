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

import itertools
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from verwijzing_rasa import action_validation, gc_freeze
from verwijzing_rasa.pii import redact

# The gateway's tombstones of erased conversations (verwijzing.store.conversations).
ERASED = "erased_conversations"
ERASED_AT = sa.text(f"SELECT erased_at FROM {ERASED} WHERE sender_id = :sender_id")  # noqa: S608 - a constant

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
        # Always a dict; Rasa types it as a TypedDict, which is a Mapping (and never a dict) to mypy.
        if isinstance(event.parse_data, Mapping):
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
    # SQLAlchemy 1.4 (Rasa's) has no annotations: create_engine returns Any to the type checker.
    engine: sa.engine.Engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=SQLITE_POOL_SIZE,
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

    def __init__(self, domain: Domain | None = None, host: str | None = None, event_broker: EventBroker | None = None,
                 **kwargs: Any) -> None:
        if host and "://" in host:
            kwargs = {**kwargs, **_settings_from_url(host)}
            host = kwargs.pop("host")
        super().__init__(domain, host=host, event_broker=event_broker, **kwargs)
        if _is_sqlite_file(self.engine):
            url = self.engine.url
            self.engine.dispose()
            self.engine = sqlite_engine(url)
            self.sessionmaker = sessionmaker(bind=self.engine)
        self._statements = _Statements(self.SQLEvent.__table__)
        self._tombstones = False  # whether the erased_conversations table was seen

    # Reading and writing: the same rows and the same order as stock Rasa's SQLTrackerStore (the
    # latest conversation session: events at or after its latest `session_started`, by id), with
    # statements built once instead of an ORM query per call, and only the new events redacted
    # and written. Stock rebuilt and re-keyed two ORM queries on every turn and redaction walked
    # every event of the conversation on every save (`python -m bench.profile`).

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return self._tracker(sender_id, self._statements.session_data)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return self._tracker(conversation_id, self._statements.all_data)

    def _tracker(self, sender_id: str, statement: Any) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = session.execute(statement, {"sender_id": sender_id}).scalars().all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)

    def _erased_at(self, session: Any, sender_id: str) -> float | None:
        """When the person erased this conversation (the gateway's tombstone), or None. The table
        is the project's (its migrations); a database without it has had nothing erased."""
        if not self._tombstones:
            self._tombstones = sa.inspect(self.engine).has_table(ERASED)
            if not self._tombstones:
                return None
        erased: float | None = session.execute(ERASED_AT, {"sender_id": sender_id}).scalar()
        return erased

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            erased = self._erased_at(session, tracker.sender_id)
            if erased is not None and any((event.timestamp or 0) <= erased for event in tracker.events):
                # A turn that was running while the person erased: it must not write the erased
                # conversation back. What comes after the erasure starts from nothing.
                return
            stored = session.execute(self._statements.session_count, {"sender_id": tracker.sender_id}).scalar_one()
            new = list(itertools.islice(tracker.events, stored, None))
            for event in new:  # the stored ones were redacted when they were saved
                redact_event(event)
            # The event broker (when one is configured) gets the events after redaction too.
            await self.stream_events(tracker)
            if new:
                session.execute(self.SQLEvent.__table__.insert(), [_row(tracker.sender_id, e) for e in new])
            session.commit()
        gc_freeze.freeze_once()  # this plug-in is what every stack of ours loads into Rasa


def _row(sender_id: str, event: Any) -> dict[str, Any]:
    """One `events` row, with the columns stock Rasa fills."""
    data = event.as_dict()
    return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"), "data": json.dumps(data)}


class _Statements:
    """The tracker store's three queries on Rasa's `events` table, built once."""

    def __init__(self, events: sa.Table) -> None:
        sender = events.c.sender_id == sa.bindparam("sender_id")
        session_start = (sa.select(sa.func.max(events.c.timestamp))
                         .where(sender, events.c.type_name == SessionStarted.type_name).scalar_subquery())
        in_session = sa.and_(sender, sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))
        self.session_data = sa.select(events.c.data).where(in_session).order_by(events.c.id)
        self.all_data = sa.select(events.c.data).where(sender).order_by(events.c.id)
        self.session_count = sa.select(sa.func.count()).select_from(events).where(in_session)
