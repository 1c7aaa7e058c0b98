"""Migration 0003 on both databases: an existing outbox gains the new states and keeps its rows;
down again, nothing that was claimed or failed can be sent by the old dispatcher."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DataError, IntegrityError

from verwijzing.store import upgrade
from verwijzing.store.migrate import alembic_config

NEW_COLUMNS = {"next_attempt_at", "claimed_at", "provider_id", "last_error"}


def insert(engine, status: str, number: str | None = "+32470123456") -> None:
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO outbox (created_at, to_number, body, status, attempts) "
            "VALUES (CURRENT_TIMESTAMP, :number, 'Je afspraak staat vast.', :status, 0)"
        ), {"number": number, "status": status})


def statuses(engine) -> list[tuple[str, str | None]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT status, to_number FROM outbox ORDER BY id"))]


def downgrade(engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_0003_upgrades_an_existing_outbox_in_place(fresh_engine):
    upgrade(fresh_engine, "0002")
    insert(fresh_engine, "queued")
    insert(fresh_engine, "sent", None)
    upgrade(fresh_engine)
    assert NEW_COLUMNS <= {c["name"] for c in inspect(fresh_engine).get_columns("outbox")}
    assert "sms_optouts" in inspect(fresh_engine).get_table_names()
    assert statuses(fresh_engine) == [("queued", "+32470123456"), ("sent", None)]
    insert(fresh_engine, "sending")
    insert(fresh_engine, "failed", None)
    with pytest.raises(IntegrityError):  # the CHECK constraint survived the rebuild
        insert(fresh_engine, "lost")


def test_0003_down_removes_the_opt_outs_and_turns_unsendable_rows_into_sent(fresh_engine):
    upgrade(fresh_engine)
    for status in ("queued", "sending", "sent", "failed"):
        insert(fresh_engine, status)
    with fresh_engine.begin() as connection:
        connection.execute(text("INSERT INTO sms_optouts (phone_key, since) VALUES (:k, CURRENT_TIMESTAMP)"),
                           {"k": "a" * 64})
    downgrade(fresh_engine, "0002")
    assert "sms_optouts" not in inspect(fresh_engine).get_table_names()
    assert not NEW_COLUMNS & {c["name"] for c in inspect(fresh_engine).get_columns("outbox")}
    # Only the queued one may still be sent; the old dispatcher must not resend a claimed one.
    assert statuses(fresh_engine) == [("queued", "+32470123456"), ("sent", None), ("sent", "+32470123456"),
                                      ("sent", None)]
    with pytest.raises((IntegrityError, DataError)):  # CHECK (SQLite) or varchar(6) (PostgreSQL)
        insert(fresh_engine, "sending")
    upgrade(fresh_engine)  # and up again
    insert(fresh_engine, "sending")
