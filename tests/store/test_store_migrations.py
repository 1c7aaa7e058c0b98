"""The schema comes from Alembic, on both databases, and matches the models exactly."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from verwijzing.store import Base, make_engine, normalise_url, upgrade
from verwijzing.store.migrate import MIGRATIONS, alembic_config


def is_current(engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head

TABLES = {
    "alembic_version", "audit_log", "availability", "bookings", "busy_times", "counsellor_languages",
    "case_messages", "cases", "counsellor_modalities", "cheque_uses", "counsellors", "credit_accounts",
    "ledger_entries", "login_throttles",
    "mail_outbox", "outbox", "referrals", "slots", "erased_conversations",
    "sms_optouts", "staff_invitations", "staff_sessions", "staff_users", "webhooks_seen",
}


def test_upgrade_head_creates_the_schema_the_models_describe(fresh_engine):
    assert not is_current(fresh_engine)
    upgrade(fresh_engine)
    assert set(inspect(fresh_engine).get_table_names()) == TABLES
    assert is_current(fresh_engine)
    with fresh_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_is_repeatable_and_downgrade_removes_everything(fresh_engine):
    upgrade(fresh_engine)
    upgrade(fresh_engine)  # already at head: nothing to do, no error
    config = alembic_config()
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(fresh_engine).get_table_names()) == {"alembic_version"}


def test_active_slot_index_is_partial_on_both(fresh_engine):
    upgrade(fresh_engine)
    indexes = {i["name"]: i for i in inspect(fresh_engine).get_indexes("bookings")}
    index = indexes["uq_bookings_active_slot"]
    assert index["unique"] and index["column_names"] == ["slot_id"]
    where = " ".join(str(clause) for clause in index.get("dialect_options", {}).values())
    assert "held" in where and "confirmed" in where


def test_migrations_ship_inside_the_package():
    assert (MIGRATIONS / "env.py").is_file()
    assert any(MIGRATIONS.joinpath("versions").glob("0001_*.py"))


def test_sqlite_engine_sets_wal_foreign_keys_and_creates_the_folder(tmp_path):
    path = tmp_path / "deeper" / "still" / "x.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert path.parent.is_dir()
    engine.dispose()


def test_postgres_urls_use_psycopg3():
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("postgresql+psycopg2://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("sqlite:///var/x.db") == "sqlite:///var/x.db"


def test_alembic_ini_at_the_project_root_points_at_the_same_scripts():
    from configparser import ConfigParser
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    parser = ConfigParser(interpolation=None)
    parser.read(root / "alembic.ini")
    location = parser.get("alembic", "script_location").replace("%(here)s", str(root))
    assert Path(location).resolve() == MIGRATIONS


def test_fresh_engine_has_no_tables_before_upgrade(fresh_engine):
    with fresh_engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    assert "bookings" not in inspect(fresh_engine).get_table_names()


def test_an_existing_0001_database_gains_cheque_uses_and_keeps_its_rows(fresh_engine):
    """A database made before the transitional cheque had its own record (make run on an old
    var/verwijzing.db) upgrades in place; a downgrade to 0001 removes only the new table."""
    upgrade(fresh_engine, "0001")
    with fresh_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO credit_accounts (citizen_key, created_at) VALUES (:k, CURRENT_TIMESTAMP)"
        ), {"k": "a" * 64})
    upgrade(fresh_engine)
    assert "cheque_uses" in inspect(fresh_engine).get_table_names()
    with fresh_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM credit_accounts")).scalar() == 1
    config = alembic_config()
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert "cheque_uses" not in inspect(fresh_engine).get_table_names()
    assert "credit_accounts" in inspect(fresh_engine).get_table_names()
