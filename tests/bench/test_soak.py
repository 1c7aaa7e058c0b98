"""A small soak (the full one is `make soak`): 20 web conversations through the gateway, 10 at a
time, on the real stack; then the booking invariants on the database."""
from __future__ import annotations

import pytest

from bench.soak import problems, soak

pytestmark = pytest.mark.rasa
CONVERSATIONS = 20


def test_twenty_concurrent_web_conversations_lose_nothing_and_book_no_slot_twice(tmp_path, monkeypatch):
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "soak-test-secret")
    outcome = soak(tmp_path, CONVERSATIONS, concurrency=10)
    assert problems(outcome, CONVERSATIONS) == []
    assert outcome["turns"] == sum(len(t) for t in _scripts())
    assert outcome["told_booked"] >= 1 and outcome["confirmed_bookings"] == outcome["told_booked"]


def _scripts():
    from bench.soak import script
    return [script(n)[0] for n in range(CONVERSATIONS)]
