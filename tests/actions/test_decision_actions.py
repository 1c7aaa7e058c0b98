"""The decision and question actions: outcome slots and what the person reads."""
from rasa_sdk.events import SlotSet

from actions.beslissing import ActionBeslis
from actions.gesprek import ActionBeantwoordVraag

from .conftest import make_tracker, run_action

KORTGESCHOOLDE = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen",
                  "werkervaring_jaren": 12.0, "opleidingsniveau": "kort", "leeftijd": 45.0}


def test_eligible_kortgeschoolde_hears_outcome_reason_and_euros(peildatum):
    peildatum("2027-02-01")
    events, messages = run_action(ActionBeslis(), make_tracker(slots=KORTGESCHOOLDE))
    assert events == [SlotSet("in_aanmerking", True), SlotSet("route", "loopbaankrediet"),
                      SlotSet("bijdrage_per_uur", 15)]
    texts = [m["text"] for m in messages]
    assert texts[0] == "Goed nieuws! Je hebt recht op het loopbaankrediet."
    assert "12 jaar werkervaring" in texts[1] and "minstens 7" in texts[1]
    assert "15 euro per uur" in texts[2] and "30 euro" in texts[2] and "90 euro" in texts[2]
    assert texts[3].startswith("Bron: ")
    assert "loopbaankrediet" in texts[4]


def test_job_seeker_is_sent_to_vdab_with_the_reason(peildatum):
    peildatum("2027-02-01")
    events, messages = run_action(ActionBeslis(), make_tracker(slots={"hulpvraag": "werk_zoeken", "werkstatus": "werkzoekende"}))
    assert events == [SlotSet("in_aanmerking", False), SlotSet("route", "vdab_bemiddeling"),
                      SlotSet("bijdrage_per_uur", None)]
    assert "VDAB" in messages[0]["text"]
    assert "Je zoekt werk" in messages[1]["text"]


def test_in_the_transition_the_amount_is_onder_voorbehoud(peildatum):
    peildatum("2026-11-26")
    events, messages = run_action(ActionBeslis(), make_tracker(slots={**KORTGESCHOOLDE, "eerder_loopbaancheque": False}))
    assert SlotSet("route", "loopbaancheque") in events
    assert SlotSet("bijdrage_per_uur", None) in events
    texts = " ".join(m["text"] for m in messages)
    assert "nog niet beslist" in texts
    assert "31 december 2026" in texts


def test_the_cost_question_uses_the_policy_figures(peildatum):
    peildatum("2027-02-01")
    _, messages = run_action(ActionBeantwoordVraag(), make_tracker("wat kost het?", intent="vraag_kostprijs"))
    assert "15 euro per uur" in messages[0]["text"] and "25 euro per uur" in messages[0]["text"]


def test_the_cost_question_in_the_transition_says_it_is_not_settled(peildatum):
    peildatum("2026-11-26")
    _, messages = run_action(ActionBeantwoordVraag(), make_tracker("wat kost het?", intent="vraag_kostprijs"))
    assert "nog niet beslist" in messages[0]["text"]
