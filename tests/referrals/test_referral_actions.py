"""The decision action records one referral per decision; a failing database never costs the
person their answer."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from actions.decision import ActionBeslis
from tests.actions.conftest import make_tracker, run_action
from verwijzing.nl_be import BRUSSELS
from verwijzing.store import Referral, make_sessionmaker

SLOTS = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen",
         "werkervaring_jaren": 12.0, "opleidingsniveau": "kort", "leeftijd": 45.0, "eerder_gebruikt_uren": 0.0}


def _typed_on(channel: str) -> list[dict]:
    return [{"event": "user", "text": "gestopt na het 4de middelbaar", "input_channel": channel,
             "parse_data": {"intent": {"name": "informeren"}}}]


@pytest.fixture
def decide(monkeypatch, db, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VERWIJZING_PEILDATUM", "2027-02-01")

    def run(channel: str, slots: dict = SLOTS) -> list[dict]:
        _, messages = run_action(ActionBeslis(), make_tracker(slots=slots, events=_typed_on(channel)))
        return messages
    return run


def referrals(db) -> list[Referral]:
    with make_sessionmaker(db)() as session:
        return list(session.scalars(select(Referral).order_by(Referral.id)))


def test_each_decision_is_one_referral_with_channel_conversation_and_facts(decide, db):
    decide("sms")
    decide("voice", {**SLOTS, "hulpvraag": "burnout"})
    sms, voice = referrals(db)
    assert (sms.channel, sms.route, sms.in_aanmerking) == ("sms", "loopbaankrediet", True)
    assert sms.conversation_id == "test-gesprek"
    assert sms.facts == {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen",
                         "werkervaring_jaren": 12.0, "opleidingsniveau": "kort", "leeftijd": 45,
                         "eerder_gebruikt_uren": 0, "eerder_gebruikt_trajecten": 0}
    assert sms.decision["redenen"] and sms.decision["peildatum"] == "2027-02-01"
    # The stack's reference day, in Brussels (between 23:00 and 01:00 UTC the UTC date differs).
    assert sms.created_at.astimezone(BRUSSELS).date().isoformat() == "2027-02-01"
    assert (voice.channel, voice.route, voice.in_aanmerking) == ("voice", "zorg", False)


def test_a_decision_that_could_not_be_made_is_no_referral(decide, db):
    messages = decide("web", {**SLOTS, "werkstatus": None})
    assert messages[0]["response"] == "utter_opgegeven"
    assert referrals(db) == []


def test_when_the_database_fails_the_person_still_hears_the_decision(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never-migrated.db'}")
    monkeypatch.setenv("VERWIJZING_PEILDATUM", "2027-02-01")
    with caplog.at_level(logging.ERROR):
        _, messages = run_action(ActionBeslis(), make_tracker(slots=SLOTS, events=_typed_on("web")))
    assert messages[0]["text"].split("\n")[1].startswith("Goed nieuws!")
    assert "referral not recorded (decision): OperationalError" in caplog.text
    assert "test-gesprek" not in caplog.text and "werknemer" not in caplog.text
