"""The decision and question actions: outcome slots and what the person reads."""
import pytest
import yaml
from rasa_sdk.events import SlotSet

from actions.booking import ActionAanbodBoeking
from actions.conversation import ActionBeantwoordVraag
from actions.decision import ActionBeslis, ActionVolgendeStap
from tests.actions.conftest import ROOT, make_tracker, run_action

KORTGESCHOOLDE = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen",
                  "werkervaring_jaren": 12.0, "opleidingsniveau": "kort", "leeftijd": 45.0, "eerder_gebruikt_uren": 0.0}
NEXT_ACTIONS = {"action_volgende_stap": ActionVolgendeStap(), "action_aanbod_boeking": ActionAanbodBoeking()}


def action_after_decision(route: str) -> str:
    """What data/rules/beslissing.yml runs after action_beslis set this route."""
    rules = yaml.safe_load((ROOT / "data" / "rules" / "beslissing.yml").read_text(encoding="utf-8"))["rules"]
    for rule in rules:
        steps = rule["steps"]
        if steps[0] == {"action": "action_beslis"} and steps[1] == {"slot_was_set": [{"route": route}]}:
            return steps[2]["action"]
    raise AssertionError(f"no rule says what follows the decision for route {route}")


def read_decision(slots: dict) -> tuple[list, list[dict]]:
    """Run the decision and the action the rules run after it, as the person reads them."""
    events, messages = run_action(ActionBeslis(), make_tracker(slots=slots))
    route = next(e["value"] for e in events if e.get("name") == "route")
    after = NEXT_ACTIONS[action_after_decision(route)]
    _, more = run_action(after, make_tracker(slots={**slots, "route": route}))
    return events, messages + more


# One person per route; the credit routes show the cost and end with the booking offer.
ROUTES = [
    ("2027-02-01", "loopbaankrediet", KORTGESCHOOLDE, 3),
    ("2026-11-26", "loopbaancheque", {**KORTGESCHOOLDE, "eerder_loopbaancheque": False}, 3),
    ("2027-02-01", "competentiecheck", {**KORTGESCHOOLDE, "hulpvraag": "competenties"}, 2),
    ("2027-02-01", "jongerenorientatie", {**KORTGESCHOOLDE, "werkervaring_jaren": 2.0, "leeftijd": 22.0}, 2),
    ("2027-02-01", "vdab_bemiddeling", {"hulpvraag": "werk_zoeken", "werkstatus": "werkzoekende"}, 2),
    ("2027-02-01", "zorg", {"hulpvraag": "burnout"}, 2),
    ("2027-02-01", "terug_naar_werk", {**KORTGESCHOOLDE, "werkstatus": "langdurig_ziek"}, 2),
    ("2027-02-01", "vlaio", {"hulpvraag": "bedrijfscoaching"}, 2),
    ("2027-02-01", "opleiding", {**KORTGESCHOOLDE, "hulpvraag": "opleiding"}, 2),
    ("2027-02-01", "geen", {**KORTGESCHOOLDE, "werkstatus": "gepensioneerd", "leeftijd": 67.0}, 2),
    ("2026-11-26", "geen", {**KORTGESCHOOLDE, "werkstatus": "gepensioneerd", "leeftijd": 67.0,
                            "eerder_loopbaancheque": False}, 2),
]


@pytest.mark.parametrize("day, route, slots, count", ROUTES, ids=[f"{r[1]}-{r[0][:4]}" for r in ROUTES])
def test_the_decision_takes_at_most_three_messages_per_route(peildatum, day, route, slots, count):
    peildatum(day)
    events, messages = read_decision(slots)
    assert SlotSet("route", route) in events
    assert len(messages) == count <= 3, [m["text"] for m in messages]
    assert messages[-1]["text"].startswith("Zo ga je verder:")
    offers_booking = bool(messages[-1].get("buttons"))
    assert offers_booking == (route in ("loopbaankrediet", "loopbaancheque"))
    assert all(len(m["text"]) < 600 for m in messages)


def test_eligible_kortgeschoolde_hears_outcome_and_why_then_cost_then_the_offer(peildatum):
    peildatum("2027-02-01")
    events, messages = read_decision(KORTGESCHOOLDE)
    assert events == [SlotSet("in_aanmerking", True), SlotSet("route", "loopbaankrediet"),
                      SlotSet("bijdrage_per_uur", 15)]
    outcome, cost, step = (m["text"] for m in messages)
    understood, outcome = outcome.split("\n")
    # First what the decision rests on, with the way to correct it.
    assert understood == ("Ik heb begrepen: een vraag over je loopbaan, je werkt, je woont in Vlaanderen, "
                          "12 jaar gewerkt, nog geen loopbaankrediet gebruikt, 45 jaar oud, "
                          "je hebt geen diploma of getuigschrift van het middelbaar. "
                          "Klopt er iets niet? Typ dan 'klopt niet'.")
    assert outcome.startswith("Goed nieuws! Je kan het loopbaankrediet krijgen, als je nog uren over hebt.")
    assert outcome.endswith("Het is nog niet definitief.")  # the credit is a plan until its decree
    assert "12 jaar werkervaring" in outcome and "minstens 7" in outcome
    assert "sociale correctie" in cost and "25 euro per uur" in cost
    assert "15 euro per uur" in cost and "Een blok van 2 uur kost je 30 euro" in cost
    assert "Alle 6 uur samen kosten 90 euro" in cost
    assert "mandaat" in step and "blok van 2 uur" in step
    assert [b["payload"] for b in messages[2]["buttons"]] == ["op locatie", "online", "telefonisch", "nee"]


def test_job_seeker_is_sent_to_vdab_with_the_reason(peildatum):
    peildatum("2027-02-01")
    events, messages = read_decision({"hulpvraag": "werk_zoeken", "werkstatus": "werkzoekende"})
    assert events == [SlotSet("in_aanmerking", False), SlotSet("route", "vdab_bemiddeling"),
                      SlotSet("bijdrage_per_uur", None)]
    assert "VDAB" in messages[0]["text"] and "Je zoekt werk" in messages[0]["text"]
    assert "schrijf je in als werkzoekende" in messages[1]["text"]


def test_in_the_transition_the_amount_is_not_known_and_the_plan_is_a_plan(peildatum):
    peildatum("2026-11-26")
    events, messages = read_decision({**KORTGESCHOOLDE, "eerder_loopbaancheque": False})
    assert SlotSet("route", "loopbaancheque") in events
    assert SlotSet("bijdrage_per_uur", None) in events
    cost = messages[1]["text"]
    assert "weten we nog niet" in cost and "nog niet definitief" in cost and "eind 2026" in cost
    # No 2027 block size is borrowed for the offer.
    assert "uur" not in messages[2]["text"].split("Heb je je loopbaancheque al?")[1]


def test_a_walloon_resident_is_sent_to_le_forem(peildatum):
    peildatum("2027-02-01")
    _, messages = read_decision({**KORTGESCHOOLDE, "woonregio": "wallonie"})
    assert "Le Forem" in messages[-1]["text"] and "VDAB" not in messages[-1]["text"]


def test_the_cost_question_uses_the_policy_figures(peildatum):
    peildatum("2027-02-01")
    _, messages = run_action(ActionBeantwoordVraag(), make_tracker("wat kost het?", intent="vraag_kostprijs"))
    assert "15 euro per uur" in messages[0]["text"] and "25 euro per uur" in messages[0]["text"]


def test_the_cost_question_in_the_transition_says_it_is_not_settled(peildatum):
    peildatum("2026-11-26")
    _, messages = run_action(ActionBeantwoordVraag(), make_tracker("wat kost het?", intent="vraag_kostprijs"))
    assert "weten we nog niet" in messages[0]["text"] and "nog niet definitief" in messages[0]["text"]
