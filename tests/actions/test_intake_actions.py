"""The intake actions on tracker fixtures: the exact events and messages."""
from rasa_sdk.events import SlotSet

from actions.intake import ActionLeesFeiten, ValidateIntakeForm
from tests.actions.conftest import make_tracker, run_action


def read_facts_of(tracker):
    """action_lees_feiten's events without `beantwoord` (tested on its own below)."""
    events, messages = run_action(ActionLeesFeiten(), tracker)
    return [e for e in events if e["name"] != "beantwoord"], messages


def test_opening_message_fills_age_and_experience(peildatum):
    peildatum("2027-02-01")
    events, messages = read_facts_of(make_tracker("Ik ben 24 en werk sinds 2 jaar"))
    assert {e["name"]: e["value"] for e in events} == {
        "leeftijd": 24, "werkervaring_jaren": 2.0, "werkstatus": "werknemer"}
    assert messages == []


def test_a_question_never_fills_a_fact(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("wat kost dat voor iemand van 24?", intent="vraag_kostprijs", active_loop="intake_form",
                           slots={"requested_slot": "leeftijd"})
    assert read_facts_of(tracker) == ([], [])


def test_a_bare_number_answers_the_question_asked(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("12", active_loop="intake_form", slots={"requested_slot": "werkervaring_jaren"})
    events, _ = read_facts_of(tracker)
    assert events == [SlotSet("werkervaring_jaren", 12.0)]


def test_a_numbered_choice_picks_the_button(peildatum):
    peildatum("2027-02-01")
    shown = {"event": "bot", "text": "Wat is je hoogste diploma?", "data": {"buttons": [
        {"title": "Geen diploma middelbaar", "payload": "geen diploma van het middelbaar"},
        {"title": "Diploma middelbaar", "payload": "diploma middelbaar"},
        {"title": "Hogeschool of universiteit", "payload": "diploma hoger onderwijs"}]}}
    answer = {"event": "user", "text": "3"}
    tracker = make_tracker("3", active_loop="intake_form", slots={"requested_slot": "opleidingsniveau"},
                           events=[shown, answer])
    events, _ = read_facts_of(tracker)
    assert events == [SlotSet("opleidingsniveau", "hoog")]


def test_a_correction_changes_the_last_answer(peildatum):
    peildatum("2027-02-01")
    history = [
        {"event": "user", "text": "5 jaar"},
        {"event": "slot", "name": "werkervaring_jaren", "value": 5.0},
        {"event": "bot", "text": "Hoe oud ben je?"},
        {"event": "user", "text": "nee, 12 jaar bedoel ik"},
    ]
    tracker = make_tracker("nee, 12 jaar bedoel ik", intent="corrigeren", active_loop="intake_form",
                           slots={"requested_slot": "leeftijd", "werkervaring_jaren": 5.0}, events=history)
    events, _ = read_facts_of(tracker)
    assert events == [SlotSet("werkervaring_jaren", 12.0)]


def test_a_guessed_correction_that_answers_the_open_question_answers_it(peildatum):
    # The classifier guessed "corrigeren" for an answer that says nothing of correcting: the
    # "twee" is the number of cheques, not the years worked asked before.
    peildatum("2026-11-27")
    history = [
        {"event": "bot", "text": "Hoeveel jaar heb je in totaal al gewerkt?"},
        {"event": "user", "text": "sinds 2004"},
        {"event": "slot", "name": "werkervaring_jaren", "value": 22.0},
        {"event": "bot", "text": "Heb je ooit al een loopbaancheque gebruikt?"},
        {"event": "user", "text": "ja, in 2019 heb ik er al twee gebruikt"},
    ]
    tracker = make_tracker("ja, in 2019 heb ik er al twee gebruikt", intent="corrigeren", active_loop="intake_form",
                           slots={"requested_slot": "eerder_loopbaancheque", "werkervaring_jaren": 22.0},
                           events=history)
    tracker.latest_message["intent"]["confidence"] = 0.46
    events, _ = read_facts_of(tracker)
    assert events == [SlotSet("eerder_loopbaancheque", True)]
    # Said in words, or by a sure classifier, it is a correction of the last answer.
    words = make_tracker("sorry, twee jaar bedoel ik", intent="corrigeren", active_loop="intake_form",
                         slots={"requested_slot": "eerder_loopbaancheque", "werkervaring_jaren": 22.0},
                         events=[*history[:-1], {"event": "user", "text": "sorry, twee jaar bedoel ik"}])
    words.latest_message["intent"]["confidence"] = 0.46
    assert read_facts_of(words)[0] == [SlotSet("werkervaring_jaren", 2.0)]


def test_the_form_asks_only_what_the_rules_need(peildatum):
    peildatum("2027-02-01")
    # A job seeker goes to VDAB whatever the rest: the form ends after two answers.
    tracker = make_tracker("ik zoek werk", active_loop="intake_form",
                           slots={"requested_slot": "werkstatus", "hulpvraag": "werk_zoeken",
                                  "werkstatus": "werkzoekende"},
                           events=[{"event": "user", "text": "ik zoek werk"},
                                   {"event": "slot", "name": "werkstatus", "value": "werkzoekende"}])
    events, messages = run_action(ValidateIntakeForm(), tracker)
    assert events[-1] == SlotSet("requested_slot", None)
    assert messages == []


def test_the_form_asks_the_next_missing_fact(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("ik ben bediende", active_loop="intake_form",
                           slots={"requested_slot": "werkstatus", "hulpvraag": "loopbaan", "werkstatus": "werknemer"},
                           events=[{"event": "user", "text": "ik ben bediende"},
                                   {"event": "slot", "name": "werkstatus", "value": "werknemer"}])
    events, _ = run_action(ValidateIntakeForm(), tracker)
    assert events == [SlotSet("requested_slot", "woonregio")]


def test_an_answer_not_understood_is_counted_and_the_question_stays(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("blablabla", active_loop="intake_form",
                           slots={"requested_slot": "woonregio", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
                                  "herhaal_teller": 1},
                           events=[{"event": "user", "text": "blablabla"}])
    events, messages = run_action(ValidateIntakeForm(), tracker)
    # The ask action words the re-ask from this count (actions/repair.py): no message here.
    assert events == [SlotSet("herhaal_teller", 2), SlotSet("requested_slot", "woonregio")]
    assert messages == []


def test_zero_after_a_menu_hands_over_and_is_never_an_answer(peildatum):
    peildatum("2027-02-01")
    menu = {"event": "bot", "text": "Ik help je op weg.", "data": {"buttons": [
        {"title": "1. Minder dan 7 jaar", "payload": "6 jaar"},
        {"title": "0. Met een mens praten", "payload": "/mens_spreken"}]}}
    slots = {"requested_slot": "werkervaring_jaren", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
             "woonregio": "vlaanderen", "herhaal_teller": 2}
    events_before = [menu, {"event": "user", "text": "0"}]
    read, _ = read_facts_of(make_tracker("0", active_loop="intake_form", slots=slots, events=events_before))
    assert read == [SlotSet("menu_keuze", "mens")]  # not werkervaring_jaren 0
    tracker = make_tracker("0", active_loop="intake_form", slots={**slots, "menu_keuze": "mens"},
                           events=[*events_before, {"event": "slot", "name": "menu_keuze", "value": "mens"}])
    events, messages = run_action(ValidateIntakeForm(), tracker)
    assert [m["response"] for m in messages] == ["utter_mens"]
    assert SlotSet("herhaal_teller", 3) not in events and events[-1] == SlotSet("requested_slot", "werkervaring_jaren")


def test_a_question_in_the_form_is_left_to_the_rules(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("is dat vertrouwelijk?", intent="vraag_vertrouwelijk", active_loop="intake_form",
                           slots={"requested_slot": "woonregio", "hulpvraag": "loopbaan", "werkstatus": "werknemer"},
                           events=[{"event": "user", "text": "is dat vertrouwelijk?"}])
    events, messages = run_action(ValidateIntakeForm(), tracker)
    # Only the requested slot: Rasa rejects the form for this turn and the question rule answers.
    assert events == [SlotSet("requested_slot", "woonregio")]
    assert messages == []


def test_in_the_transition_the_form_asks_about_an_earlier_cheque(peildatum):
    peildatum("2026-11-26")
    slots = {"requested_slot": "werkervaring_jaren", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
             "woonregio": "vlaanderen", "werkervaring_jaren": 9.0}
    tracker = make_tracker("9 jaar", active_loop="intake_form", slots=slots,
                           events=[{"event": "user", "text": "9 jaar"},
                                   {"event": "slot", "name": "werkervaring_jaren", "value": 9.0}])
    events, _ = run_action(ValidateIntakeForm(), tracker)
    assert events[-1] == SlotSet("requested_slot", "eerder_loopbaancheque")


def test_an_answer_taken_for_a_question_is_still_read_in_the_form(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("ik woon in Nederland", intent="vraag_voorwaarden", active_loop="intake_form",
                           slots={"requested_slot": "woonregio"})
    events, _ = read_facts_of(tracker)
    assert events == [SlotSet("woonregio", "eer_buitenland")]


def test_a_real_question_in_the_form_fills_nothing(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("mag ik het krijgen als ik in Nederland woon?", intent="vraag_voorwaarden",
                           active_loop="intake_form", slots={"requested_slot": "woonregio"})
    assert read_facts_of(tracker) == ([], [])


def test_a_failing_action_still_answers_and_logs_no_personal_data(peildatum, monkeypatch, caplog):
    peildatum("2027-02-01")

    typed = "mijn nummer is 85.07.30-033.61"

    def broken(text, *args, **kwargs):
        raise ValueError(f"kon {text} niet lezen")  # an error that quotes what the person typed

    monkeypatch.setattr("actions.intake.read_text", broken)
    events, messages = read_facts_of(make_tracker(typed))
    assert events == []
    assert [m["response"] for m in messages] == ["utter_technisch_probleem"]
    assert "ValueError" in caplog.text
    assert "033" not in caplog.text and "85.07" not in caplog.text


def test_a_burn_out_taken_for_stop_is_still_heard_in_the_form(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("ik heb een burn-out en kan niet meer", intent="stoppen", active_loop="intake_form",
                           slots={"requested_slot": "hulpvraag"})
    events, _ = read_facts_of(tracker)
    assert SlotSet("hulpvraag", "burnout") in events


def test_a_plain_stop_in_the_form_fills_nothing(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("stop", intent="stoppen", active_loop="intake_form", slots={"requested_slot": "hulpvraag"})
    assert read_facts_of(tracker) == ([], [])


def test_a_civil_servant_is_asked_once_whether_statutory_then_goes_on_under_reserve(peildatum):
    peildatum("2027-02-01")
    slots = {"requested_slot": "werkstatus", "hulpvraag": "loopbaan"}
    read, _ = read_facts_of(make_tracker("ik ben ambtenaar bij de stad", active_loop="intake_form",
                                                         slots=slots, events=[{"event": "user", "text": "x"}]))
    assert SlotSet("ambtenaar", "statutair") in read and not any(e["name"] == "werkstatus" for e in read)
    this_turn = [{"event": "user", "text": "ik ben ambtenaar"},
                 {"event": "slot", "name": "ambtenaar", "value": "statutair"}]
    events, messages = run_action(ValidateIntakeForm(), make_tracker(
        "ik ben ambtenaar", active_loop="intake_form", slots=slots, events=this_turn))
    assert SlotSet("ambtenaar_gevraagd", True) in events and messages == []
    events, messages = run_action(ValidateIntakeForm(), make_tracker(
        "vast benoemd", active_loop="intake_form", slots={**slots, "ambtenaar_gevraagd": True}, events=this_turn))
    assert SlotSet("werkstatus", "werknemer") in events
    assert events[-1] == SlotSet("requested_slot", "woonregio")  # the next question, not werkstatus again
    assert [m["response"] for m in messages] == ["utter_ambtenaar_voorbehoud"]


def test_after_every_re_ask_and_menu_the_form_gives_up_and_the_decision_hands_over(peildatum):
    from actions.decision import ActionBeslis
    from actions.repair import GIVE_UP_AFTER
    peildatum("2027-02-01")
    slots = {"requested_slot": "woonregio", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
             "herhaal_teller": GIVE_UP_AFTER}
    events, _ = run_action(ValidateIntakeForm(), make_tracker("blablabla", active_loop="intake_form", slots=slots,
                                                              events=[{"event": "user", "text": "blablabla"}]))
    assert SlotSet("opgegeven", True) in events and events[-1] == SlotSet("requested_slot", None)
    events, messages = run_action(ActionBeslis(), make_tracker("blablabla", slots={**slots, "opgegeven": True}))
    assert [m["response"] for m in messages] == ["utter_opgegeven"]  # a person, never a guessed outcome
    assert SlotSet("route", None) in events


def test_an_answer_taken_for_a_correction_still_answers_the_open_question(peildatum):
    peildatum("2027-02-01")
    history = [{"event": "user", "text": "Gent"}, {"event": "slot", "name": "woonregio", "value": "vlaanderen"},
               {"event": "bot", "text": "Hoeveel jaar heb je in totaal al gewerkt?"},
               {"event": "user", "text": "precies 7 jaar"}]
    tracker = make_tracker("precies 7 jaar", intent="corrigeren", active_loop="intake_form",
                           slots={"requested_slot": "werkervaring_jaren", "woonregio": "vlaanderen"}, events=history)
    events, _ = read_facts_of(tracker)
    assert SlotSet("werkervaring_jaren", 7.0) in events


def test_an_answer_never_silently_changes_another_known_fact(peildatum):
    peildatum("2027-02-01")
    tracker = make_tracker("terug aan het werk, maar in iets anders, bij een werkgever", active_loop="intake_form",
                           slots={"requested_slot": "hulpvraag", "werkstatus": "langdurig_ziek"},
                           events=[{"event": "user", "text": "terug aan het werk"}])
    events, _ = read_facts_of(tracker)
    assert not any(e["name"] == "werkstatus" for e in events)


def test_an_answer_the_classifier_takes_for_goodbye_is_marked_as_an_answer(peildatum):
    peildatum("2027-02-01")
    asked = {"requested_slot": "hulpvraag"}
    events, _ = run_action(ActionLeesFeiten(), make_tracker("een opleiding", intent="afscheid",
                                                            active_loop="intake_form", slots=asked))
    assert SlotSet("beantwoord", True) in events and SlotSet("hulpvraag", "opleiding") in events
    events, _ = run_action(ActionLeesFeiten(), make_tracker("dag hoor", intent="afscheid",
                                                            active_loop="intake_form", slots=asked))
    assert SlotSet("beantwoord", False) in events  # a real goodbye: the rules end the form
