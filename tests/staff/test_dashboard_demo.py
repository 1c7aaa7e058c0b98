"""The fictional demo intakes (verwijzing.demo.intakes) that `verwijzing seed-demo` adds for the
dashboard: clearly fake, decided by the real rules, added once, and never mixed with real data."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from verwijzing.booking.references import REFERENCE_ALPHABET
from verwijzing.decision.facts import Facts, parse_facts
from verwijzing.decision.screening import next_missing_fact, screen
from verwijzing.demo.intakes import (
    INTAKES,
    WEEKS,
    asked_facts,
    seed_demo_intakes,
)
from verwijzing.monitoring.intakes import Period
from verwijzing.monitoring.queries import load_dashboard
from verwijzing.referrals.record import record_decision
from verwijzing.store import make_sessionmaker
from verwijzing.store.models import Booking, Referral

DAY = dt.date(2027, 3, 1)


@pytest.mark.parametrize("day", [DAY, dt.date(2026, 11, 27)])
def test_the_demo_is_about_sixty_fake_intakes_decided_by_the_rules(db, day):
    with make_sessionmaker(db).begin() as session:
        assert seed_demo_intakes(session, day) == INTAKES
    with make_sessionmaker(db)() as session:
        referrals = session.scalars(select(Referral)).all()
        bookings = session.scalars(select(Booking)).all()
        assert len(referrals) == INTAKES
        for referral in referrals:
            assert referral.conversation_id.startswith("demo-") if referral.channel != "staff" \
                else referral.staff_member == "demo-consulent"
            made = referral.created_at.date()
            assert Period.weeks_up_to(day, WEEKS).start <= made <= day
            facts = parse_facts(referral.facts)
            decision = screen(facts, made)
            assert (decision.in_aanmerking, decision.route.value) == (referral.in_aanmerking, referral.route)
        # A reference the real generator can never make: it has a character outside its alphabet.
        assert bookings and all(set(b.reference[3:]) - set(REFERENCE_ALPHABET) for b in bookings)
        assert all(b.citizen_key is None and b.phone is None for b in bookings)
        assert {b.reference for b in bookings} == {r.booking_reference for r in referrals if r.booking_reference}
        dashboard = load_dashboard(session, day)
    steps = [count for _, count in dashboard.funnel.steps()]
    assert steps == sorted(steps, reverse=True) and steps[1] == INTAKES and steps[3] > 0
    assert any(g.group == "onbekend" and g.decided for g in dashboard.education)


def test_seeding_twice_adds_nothing(db):
    with make_sessionmaker(db).begin() as session:
        seed_demo_intakes(session, DAY)
    with make_sessionmaker(db).begin() as session:
        assert seed_demo_intakes(session, DAY) == 0
        assert session.scalar(select(func.count()).select_from(Referral)) == INTAKES


def test_no_demo_intakes_next_to_real_referrals(db):
    facts = parse_facts({"hulpvraag": "loopbaan", "werkstatus": "werkzoekende"})
    with make_sessionmaker(db).begin() as session:
        record_decision(session, decision=screen(facts, DAY), facts=facts, channel="web",
                        at=dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC), conversation_id="echt")
    with make_sessionmaker(db).begin() as session:
        assert seed_demo_intakes(session, DAY) == 0
        assert session.scalar(select(func.count()).select_from(Referral)) == 1


def test_a_chat_intake_keeps_only_what_the_conversation_asks():
    full = parse_facts({"hulpvraag": "loopbaan", "werkstatus": "werkzoekende", "werkervaring_jaren": 9,
                        "opleidingsniveau": "hoog", "woonregio": "vlaanderen", "leeftijd": 40})
    assert asked_facts(full, DAY) == Facts(hulpvraag=full.hulpvraag, werkstatus=full.werkstatus)
    assert next_missing_fact(asked_facts(full, DAY), DAY) is None
