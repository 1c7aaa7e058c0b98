"""A guessed cancel or move that names no change becomes a question (rasa_plugins
verwijzing_rasa.intent_guard; the words in verwijzing_rasa.change_words)."""
from __future__ import annotations

import pytest

from verwijzing_rasa.change_words import speaks_of_a_change


@pytest.mark.parametrize("text", [
    "annuleer LK-7K3P", "ik wil mijn afspraak afzeggen", "kan ik verplaatsen naar dinsdag?",
    "ik kan niet komen morgen", "lk 7k3p", "mag het een ander moment zijn", "ik wil het verzetten",
    "je veux annuler mon rendez-vous", "cancel my appointment", "ik geraak er niet",
])
def test_a_message_about_a_change_keeps_its_intent(text):
    assert speaks_of_a_change(text)


@pytest.mark.parametrize("text", [
    "bonjour, sorry mijn nederlands is niet zo goed. ik wil ander werk.",
    "ja, in 2019 heb ik er al twee gebruikt", "sorry", "ik wil iets anders doen", "45", "",
])
def test_a_message_without_one_is_not_taken_for_a_change(text):
    assert not speaks_of_a_change(text)
