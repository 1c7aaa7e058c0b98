"""Writing referrals and migration 0005, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from tests.referrals.test_referral_fields import DAY, PERSON
from verwijzing.decision.facts import parse_facts
from verwijzing.decision.screening import screen
from verwijzing.referrals.record import (
    attach_booking,
    attach_booking_to_conversation,
    record_decision,
)
from verwijzing.store import Base, Referral, make_sessionmaker, upgrade
from verwijzing.store.migrate import alembic_config

T0 = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


def _decide(sessions, conversation: str | None, at: dt.datetime, **extra) -> int:
    with sessions.begin() as session:
        referral = record_decision(session, decision=screen(parse_facts(PERSON), DAY), facts=PERSON,
                                   at=at, conversation_id=conversation, **{"channel": "web", **extra})
        return referral.id


def test_a_decision_is_stored_with_its_facts_snapshot_and_conversation(db):
    sessions = make_sessionmaker(db)
    _decide(sessions, "gesprek-1", T0)
    with sessions() as session:
        referral = session.scalars(select(Referral)).one()
    assert (referral.route, referral.regime, referral.in_aanmerking, referral.channel) == (
        "loopbaankrediet", "loopbaankrediet", True, "web")
    assert referral.conversation_id == "gesprek-1" and referral.created_at == T0
    assert referral.facts["opleidingsniveau"] == "kort" and referral.facts["leeftijd"] == 45
    assert referral.decision["redenen"][0]["bron"]
    assert referral.override is None and referral.consent is None
    with db.connect() as connection:  # no override is SQL NULL, so a filter on it works
        assert connection.execute(text("SELECT count(*) FROM referrals WHERE override IS NULL")).scalar() == 1


def test_a_staff_referral_keeps_consent_and_override(db):
    sessions = make_sessionmaker(db)
    _decide(sessions, None, T0, channel="staff", staff_member="an", consent="in_persoon",
            override={"route": "opleiding", "reden": "Wil eerst een opleiding volgen."})
    with sessions() as session:
        referral = session.scalars(select(Referral)).one()
    assert referral.channel == "staff" and referral.staff_member == "an" and referral.consent == "in_persoon"
    assert referral.route == "opleiding" and referral.override["oorspronkelijke_route"] == "loopbaankrediet"


def test_a_confirmed_booking_goes_to_the_conversations_latest_referral_and_stays(db):
    sessions = make_sessionmaker(db)
    _decide(sessions, "gesprek-1", T0)
    latest = _decide(sessions, "gesprek-1", T0 + dt.timedelta(minutes=5))
    other = _decide(sessions, "gesprek-2", T0 + dt.timedelta(minutes=9))
    with sessions.begin() as session:
        assert attach_booking_to_conversation(session, "gesprek-1", "LK-AAAA").id == latest
    with sessions.begin() as session:  # a second block does not replace the first
        assert attach_booking_to_conversation(session, "gesprek-1", "LK-BBBB") is None
        assert attach_booking_to_conversation(session, "onbekend", "LK-CCCC") is None
    with sessions.begin() as session:
        attach_booking(session, other, "LK-DDDD")
    with sessions() as session:
        booked = dict(session.execute(select(Referral.id, Referral.booking_reference)).all())
    assert booked == {latest - 1: None, latest: "LK-AAAA", other: "LK-DDDD"}


def test_0005_fills_old_rows_from_their_snapshot_and_downgrades_to_0004(fresh_engine):
    upgrade(fresh_engine, "0004")
    with fresh_engine.begin() as connection:
        for eligible in ("true", "false"):
            connection.execute(text(
                "INSERT INTO referrals (created_at, route, regime, channel, decision) "
                "VALUES (CURRENT_TIMESTAMP, 'geen', 'loopbaankrediet', 'web', :decision)"
            ), {"decision": f'{{"route": "geen", "in_aanmerking": {eligible}}}'})
    upgrade(fresh_engine)
    with fresh_engine.connect() as connection:
        rows = connection.execute(text("SELECT in_aanmerking, facts FROM referrals ORDER BY id")).all()
        assert [bool(r[0]) for r in rows] == [True, False]
        assert {str(r[1]).replace(" ", "") for r in rows} == {"{}"}
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    columns = {c["name"] for c in inspect(fresh_engine).get_columns("referrals")}
    assert {"in_aanmerking", "facts", "conversation_id", "consent", "override"} <= columns

    config = alembic_config()
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    columns = {c["name"] for c in inspect(fresh_engine).get_columns("referrals")}
    assert not {"in_aanmerking", "facts", "conversation_id", "consent", "override"} & columns
    with fresh_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM referrals")).scalar() == 2


def test_the_database_refuses_an_unknown_consent(db):
    sessions = make_sessionmaker(db)
    referral_id = _decide(sessions, None, T0)
    with pytest.raises(Exception, match="(?i)check"):
        with sessions.begin() as session:
            session.get(Referral, referral_id).consent = "per_duif"
