"""Conversation success on held-out people (issue 7): every person reaches a decision.

Each person of heldout_personen.yml (written fresh, kept out of training) goes through the real
Rasa and action servers in their own words (tests/conversation/personas.py): the opening, then
an answer to whatever the assistant asks, the same answer again when asked again, at most 12
messages. `make nlu-report` prints the same figures (scripts/conversation_report.py).
"""
from __future__ import annotations

import pytest

from tests.conversation.personas import MAX_ANSWERS, load_personas, play_all

pytestmark = pytest.mark.rasa
ROUTE_TARGET = 0.90


@pytest.fixture(scope="module")
def results(stack):
    # The conversation tests' stack; the action server is restarted once for the other reference date.
    return play_all(load_personas(), stack=stack)


def _listing(failed) -> str:
    return "\n\n".join(f"{r.summary()}\n" + "\n".join(f"  < {t}" for t in r.last_said()) for r in failed)


def test_every_person_reaches_a_decision(results):
    undecided = [r for r in results if not r.decided]
    assert not undecided, f"{len(undecided)}/{len(results)} without a decision in {MAX_ANSWERS} messages:\n" \
                          + _listing(undecided)


def test_no_message_is_said_three_times(results):
    repeated = [r for r in results if r.said_three_times]
    assert not repeated, "\n".join(f"{r.persona.naam}: {r.said_three_times[0][:200]!r}" for r in repeated)


def test_the_route_is_right_for_at_least_90_percent(results):
    wrong = [r for r in results if not r.route_ok]
    share = 1 - len(wrong) / len(results)
    assert share >= ROUTE_TARGET, f"right route for {share:.0%} (target {ROUTE_TARGET:.0%}); wrong:\n" \
                                  + _listing(wrong)
