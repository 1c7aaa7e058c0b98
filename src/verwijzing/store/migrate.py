"""Bring a database to the newest schema, from the installed package (no alembic.ini needed)."""
from __future__ import annotations

import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number will do; it names the PostgreSQL advisory lock all migrating processes share.
_LOCK_ID = zlib.crc32(b"verwijzing.store.migrate")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to `revision` in one transaction.

    On PostgreSQL an advisory lock makes processes that start together (action server, gateway)
    take turns instead of both creating the same tables; SQLite's BEGIN IMMEDIATE (see
    engine.py) already makes them take turns."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


