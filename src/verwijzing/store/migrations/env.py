"""Alembic environment: run from `alembic` at the project root or from verwijzing.store.migrate.

The URL comes from, in order: a connection handed over by verwijzing.store.migrate, `-x url=…`
on the command line, DATABASE_URL (via verwijzing.config). It never lives in alembic.ini.
"""
from __future__ import annotations

import logging.config

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.pool import NullPool

from verwijzing.config import settings
from verwijzing.store.engine import make_engine, normalise_url
from verwijzing.store.models import Base

config = context.config
if config.config_file_name is not None and config.get_section("loggers"):
    # Only when run from the alembic command line: do not reconfigure a host process's logging.
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return normalise_url(context.get_x_argument(as_dictionary=True).get("url") or settings().database_url)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode lets later revisions change tables anyway.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    handed_over = config.attributes.get("connection")
    if handed_over is not None:
        _configure(handed_over)
    else:
        engine = make_engine(_url(), poolclass=NullPool)
        try:
            with engine.connect() as connection:
                _configure(connection)
                connection.commit()
        finally:
            engine.dispose()
