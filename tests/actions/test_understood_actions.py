"""Never confidently wrong (issue 16), on tracker fixtures: what was inferred is checked before
deciding, a decision starts with what it rests on, and "klopt niet" leads back to the form."""
from __future__ import annotations

from actions.decision import ActionBeslis
from actions.intake import ActionLeesFeiten, ValidateIntakeForm
from actions.repair import ASK_ACTIONS
from actions.understood import ActionAskFeitenBevestigd, ActionFeitenLijst, ActionFeitKiezen
from tests.actions.conftest import make_tracker, run_action

KNOWN = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen", "werkervaring_jaren": 12.0,
         "eerder_gebruikt_uren": 0.0, "opleidingsniveau": "midden"}


def slots_set(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def required(slots: dict) -> list[str]:
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from tests.actions.conftest import DOMAIN
    tracker = make_tracker(slots=slots, active_loop="intake_form")
    return asyncio.run(ValidateIntakeForm().required_slots([], CollectingDispatcher(), tracker, DOMAIN))


def test_a_correction_in_the_answer_is_read_and_marked_for_the_check(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("62.. sorry omgedraaid, 26 bedoel ik", active_loop="intake_form",
                           slots={"requested_slot": "leeftijd"})
    events, _ = run_action(ActionLeesFeiten(), tracker)
    assert slots_set(events)["leeftijd"] == 26
    assert slots_set(events)["afgeleid"] == {"leeftijd": "correctie"}
    assert slots_set(events)["feiten_bevestigd"] is None


def test_an_inferred_fact_is_checked_once_before_the_decision(peildatum):
    peildatum("2027-02-01")
    slots = {**KNOWN, "werkervaring_jaren": 5.0, "leeftijd": 30.0, "afgeleid": {"werkervaring_jaren": "opgeteld"},
             "werkervaring_delen": {"delen": [4.0, 1.0], "verlof": True}}
    assert required(slots) == ["feiten_bevestigd"]
    assert required({**slots, "feiten_bevestigd": True}) == []
    _, messages = run_action(ActionAskFeitenBevestigd(), make_tracker(slots=slots, active_loop="intake_form"))
    text = messages[0]["text"]
    assert text.startswith("Even checken voor ik beslis. Ik heb begrepen: je hebt 5 jaar gewerkt.")
    assert "Ik telde 4 + 1 jaar samen." in text and "Ziek zijn met een contract telt mee als werk" in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["ja", "nee"]


def test_no_to_the_check_asks_the_checked_fact_again_plainly(peildatum):
    peildatum("2027-02-01")
    slots = {**KNOWN, "werkervaring_jaren": 9.0, "afgeleid": {"werkervaring_jaren": "opgeteld"},
             "requested_slot": "feiten_bevestigd"}
    events, _ = run_action(ActionLeesFeiten(), make_tracker("nee", intent="ontkennen", slots=slots,
                                                            active_loop="intake_form"))
    assert slots_set(events).items() >= {"werkervaring_jaren": None, "feiten_bevestigd": True, "afgeleid": {}}.items()
    assert required({**KNOWN, "werkervaring_jaren": None, "feiten_bevestigd": True}) == ["werkervaring_jaren"]


def test_a_fact_typed_in_answer_to_the_check_replaces_the_inferred_one(peildatum):
    peildatum("2027-02-01")
    slots = {**KNOWN, "leeftijd": 62.0, "afgeleid": {"leeftijd": "correctie"}, "requested_slot": "feiten_bevestigd"}
    events, _ = run_action(ActionLeesFeiten(), make_tracker("nee ik ben 26", intent="corrigeren", slots=slots,
                                                            active_loop="intake_form"))
    assert slots_set(events)["leeftijd"] == 26 and slots_set(events)["feiten_bevestigd"] is True


def test_the_decision_starts_with_what_it_rests_on(peildatum):
    peildatum("2027-02-01")
    _, messages = run_action(ActionBeslis(), make_tracker(slots={**KNOWN, "hulpvraag": "burnout"}))
    first, outcome = messages[0]["text"].split("\n")
    assert first.startswith("Ik heb begrepen: hulp bij een burn-out, je werkt,")
    assert first.endswith("Klopt er iets niet? Typ dan 'klopt niet'.")
    assert outcome.startswith("Voor jouw vraag is loopbaanbegeleiding niet de juiste hulp.")


def test_the_credit_used_is_asked_before_a_right_is_promised(peildatum):
    peildatum("2027-02-01")
    assert required({k: v for k, v in KNOWN.items() if k != "eerder_gebruikt_uren"}) == ["eerder_gebruikt_uren"]
    _, messages = run_action(ActionBeslis(), make_tracker(slots={**KNOWN, "eerder_gebruikt_uren": 6.0}))
    assert "Goed nieuws" not in messages[0]["text"] and "al 6 uur loopbaankrediet gebruikt" in messages[0]["text"]


def test_klopt_niet_numbers_the_facts_and_a_number_asks_that_one_again(peildatum):
    peildatum("2027-02-01")
    slots = {**KNOWN, "route": "loopbaankrediet", "in_aanmerking": True}
    events, messages = run_action(ActionFeitenLijst(), make_tracker("klopt niet", intent="klopt_niet", slots=slots))
    lines = messages[0]["text"].split("\n")
    assert lines[1] == "1. Je hebt een vraag over je loopbaan" and lines[4] == "4. Je hebt 12 jaar gewerkt"
    assert lines[-1] == "0. Met een mens praten"
    names = slots_set(events)["feiten_lijst"]
    events, _ = run_action(ActionFeitKiezen(), make_tracker("4", slots={**slots, "feiten_lijst": names}))
    assert slots_set(events).items() >= {"werkervaring_jaren": None, "route": None, "menu_keuze": "intake"}.items()


def test_a_fact_typed_after_the_list_corrects_it_and_decides_again(peildatum):
    peildatum("2027-02-01")
    slots = {**KNOWN, "leeftijd": 62.0, "route": "competentiecheck", "in_aanmerking": False}
    listed = [{"event": "action", "name": "action_feiten_lijst"}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": "ik ben 26"}]
    events, _ = run_action(ActionLeesFeiten(), make_tracker("ik ben 26", slots=slots, events=listed))
    assert slots_set(events)["leeftijd"] == 26
    turn = [*listed, *({"event": "slot", "name": n, "value": v} for n, v in slots_set(events).items())]
    events, _ = run_action(ActionFeitKiezen(), make_tracker("ik ben 26", slots=slots, events=turn))
    assert slots_set(events)["menu_keuze"] == "intake" and slots_set(events)["route"] is None


def test_a_range_across_the_boundary_asks_which_side(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("tussen de 5 en 10 jaar", active_loop="intake_form",
                           slots={"requested_slot": "werkervaring_jaren"})
    events, _ = run_action(ActionLeesFeiten(), tracker)
    assert "werkervaring_jaren" not in slots_set(events)
    assert slots_set(events)["bereik"] == {"werkervaring_jaren": [5.0, 10.0]}
    ask = ASK_ACTIONS["werkervaring_jaren"]()
    _, messages = run_action(ask, make_tracker(slots={"bereik": {"werkervaring_jaren": [5.0, 10.0]}}))
    lines = messages[0]["text"].split("\n")
    assert lines[0].startswith("Je zei tussen 5 en 10 jaar.")
    assert lines[1:] == ["1. Minder dan 7 jaar", "2. 7 jaar of meer"]


def test_an_appointment_without_a_right_shows_what_was_understood(peildatum):
    peildatum("2027-02-01")
    slots = {**KNOWN, "hulpvraag": "burnout", "route": "zorg", "in_aanmerking": False}
    _, messages = run_action(ActionFeitenLijst(), make_tracker("ja ik wil graag een afspraak maken",
                                                               intent="afspraak_maken", slots=slots))
    lines = messages[0]["text"].split("\n")
    assert lines[0].startswith("Een afspraak vastleggen kan ik alleen als je recht hebt")
    assert lines[2] == "1. Je wil hulp bij een burn-out"


def test_a_self_corrected_answer_answers_the_open_question_not_the_last_one(peildatum):
    peildatum("2027-02-01")
    answered = [{"event": "user", "text": "5 jaar"}, {"event": "slot", "name": "werkervaring_jaren", "value": 5.0},
                {"event": "action", "name": "action_listen"}, {"event": "user", "text": "62.."}]
    tracker = make_tracker("62.. sorry omgedraaid, 26 bedoel ik", intent="corrigeren", active_loop="intake_form",
                           slots={"requested_slot": "leeftijd", "werkervaring_jaren": 5.0}, events=answered)
    events, _ = run_action(ActionLeesFeiten(), tracker)
    assert slots_set(events)["leeftijd"] == 26 and "werkervaring_jaren" not in slots_set(events)


def test_no_to_several_checked_facts_asks_which_one_and_only_that_one_again(peildatum):
    peildatum("2027-02-01")
    slots = {**KNOWN, "leeftijd": 44.0, "afgeleid": {"werkervaring_jaren": "verhaal", "leeftijd": "verhaal"},
             "requested_slot": "feiten_bevestigd"}
    events, _ = run_action(ActionLeesFeiten(), make_tracker("nee", intent="ontkennen", slots=slots,
                                                            active_loop="intake_form"))
    assert slots_set(events)["feiten_lijst"] == ["werkervaring_jaren", "leeftijd"]
    listed = {**slots, "feiten_lijst": ["werkervaring_jaren", "leeftijd"]}
    _, messages = run_action(ActionAskFeitenBevestigd(), make_tracker(slots=listed, active_loop="intake_form"))
    assert messages[0]["text"].split("\n")[1:3] == ["1. Je hebt 12 jaar gewerkt", "2. Je bent 44 jaar"]
    events, _ = run_action(ActionLeesFeiten(), make_tracker("2", slots=listed, active_loop="intake_form"))
    assert slots_set(events).items() >= {"leeftijd": None, "feiten_bevestigd": True, "feiten_lijst": None}.items()
    assert "werkervaring_jaren" not in slots_set(events)


def test_a_story_taken_for_stop_goes_on_with_the_intake(peildatum):
    from actions.conversation import ActionStoppen
    peildatum("2027-02-01")
    story = [{"event": "user", "text": "ik kan echt niet meer … ik denk dat ik een burnout heb"},
             {"event": "slot", "name": "hulpvraag", "value": "burnout"}]
    events, messages = run_action(ActionStoppen(), make_tracker("ik kan echt niet meer", intent="stoppen",
                                                                 events=story))
    assert events == [{"event": "slot", "timestamp": None, "name": "menu_keuze", "value": "intake"}]
    assert messages == []
    events, messages = run_action(ActionStoppen(), make_tracker("stop", intent="stoppen",
                                                                 events=[{"event": "user", "text": "stop"}]))
    assert [m["response"] for m in messages] == ["utter_gestopt"]
