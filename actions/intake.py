"""The intake: read facts from free text after every message; ask only what the rules need."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import read_booking_facts, read_reference_fact
from actions.repair import count_miss, gave_up, hand_over, is_miss, wants_person
from actions.safety import never_silent
from actions.tracker import (
    FACT_SLOTS,
    INTAKE_FORM,
    NOT_ANSWERS,
    active_form,
    fact_slots,
    facts_from_tracker,
    last_answered_fact,
    last_buttons,
    latest_confidence,
    latest_intent,
    latest_text,
    previous_action,
    set_this_turn,
)
from verwijzing.config import peildatum
from verwijzing.decision.screening import next_missing_fact
from verwijzing.dialogue.repair import chosen_button, intent_of_payload
from verwijzing.dialogue.understood import CHECK_SLOT, chosen_fact, needs_check
from verwijzing.interpret import (
    TEXT_FIELDS,
    Reading,
    corrects_itself,
    is_story,
    looks_like_question,
    read_ja_nee,
    read_text,
    read_woonregio,
)
from verwijzing.interpret.corrections import marks_a_correction
from verwijzing.interpret.werkstatus import read_ambtenaar

# A classifier this sure that a message corrects the last answer is believed without words for it.
SURE_CORRECTION = 0.8


def read_facts(text: str, asked: str | None) -> tuple[dict[str, Any], Reading]:
    """Every fact the text states; the fact just asked for may be a bare answer ("12", "nee").
    Also the reading itself: which facts were inferred, a range, the parts of the years."""
    reading = read_text(text, peildatum(), asked if asked in TEXT_FIELDS else None)
    found = {k: v for k, v in reading.facts.items() if k in FACT_SLOTS}
    if asked == "werkregio":
        werkregio = read_woonregio(text, asked=True)
        found.pop("woonregio", None)  # "Ik werk in Gent" answers where they work, not where they live
        if werkregio:
            found["werkregio"] = werkregio
    return found, reading


def is_answer(tracker: Tracker) -> bool:
    """Can the latest message be an answer? Outside a form, only when the classifier says so.
    Inside a form, anything not phrased as a question is read for facts as well: "ik heb een
    burn-out en kan niet meer" must not end the conversation as "stop" would, and "ik woon in
    Nederland" taken for a question about the conditions is still an answer. Losing an answer
    costs the person more than a missed question; a message with no fact in it still goes to
    the rules (stop, a person, a question). A story is read for facts whatever else it is: the
    question in it is answered by the rules, and what it tells is checked before a decision."""
    if latest_intent(tracker) not in NOT_ANSWERS:
        return True
    if is_story(latest_text(tracker)):
        return True  # "ik had al mijn drie blokken … kan ik nog uren krijgen?": the facts count too
    return active_form(tracker) is not None and not looks_like_question(latest_text(tracker))


class ActionLeesFeiten(Action):
    """Custom slot mapping of every fact slot: runs after each user message, in or out of the form.

    So an opening message such as "Ik ben 24 en werk sinds 2 jaar" fills age and experience, and
    the form never asks them again.
    """

    def name(self) -> str:
        return "action_lees_feiten"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        if not text:
            return []
        form = active_form(tracker)
        # "annuleer LK-7K3P" is a request, and it answers "which booking?" at the same time.
        found = read_reference_fact(text)
        always: list[EventType] = []  # set even when unchanged: the form looks at what this turn said
        if is_answer(tracker):
            button = chosen_button(text, last_buttons(tracker))
            if button is not None:
                text = str(button.get("payload", ""))
            if intent_of_payload(text):
                # A menu line that is a step, not an answer ("0": a person): the form or the
                # fallback acts on it; it never fills a fact ("0" is not 0 years).
                return [SlotSet("menu_keuze", "mens")] if intent_of_payload(text) == "mens_spreken" else []
            if form in (None, INTAKE_FORM):
                open_question = tracker.get_slot("requested_slot") if form == INTAKE_FORM else None
                if open_question == CHECK_SLOT:
                    return always + check_answer(text, tracker)
                # After "klopt niet" and its list, what the person types is what is right; after
                # a decision no question is open, so a fact that differs corrects it.
                settling = previous_action(tracker) == "action_feiten_lijst" or \
                    (form is None and tracker.get_slot("route") is not None)
                correcting = settling or latest_intent(tracker) in ("corrigeren", "klopt_niet")
                # "nee, 12 jaar bedoel ik" corrects the last answer; "62.. sorry, 26 bedoel ik"
                # answers the open question and corrects itself; "precies 7 jaar", taken for a
                # correction too, corrects nothing and answers the open question.
                last = last_answered_fact(tracker) if corrects_the_last_answer(tracker, text, open_question) else None
                facts, reading = read_facts(text, last or open_question)
                if last and last not in facts:
                    facts, reading = read_facts(text, open_question)
                kept = keep_known_facts(facts, tracker, open_question, correcting)
                found.update(kept)
                always += understanding_events(tracker, kept, reading, trusted=settling)
                if "werkstatus" not in found and read_ambtenaar(text) == "statutair":
                    always.append(SlotSet("ambtenaar", "statutair"))  # the form asks a check question
            found.update(read_booking_facts(text, tracker, form))
        asked = tracker.get_slot("requested_slot") if form else None
        if form or tracker.get_slot("beantwoord"):
            always.append(SlotSet("beantwoord", bool(asked) and asked in found))
        return always + [SlotSet(name, value) for name, value in found.items() if tracker.get_slot(name) != value]


def corrects_the_last_answer(tracker: Tracker, text: str, open_question: str | None) -> bool:
    """Taken for a correction of the previous answer, not an answer to the open question: the
    classifier says so and the message does not answer and correct the open question itself.
    A guess of the classifier alone is not enough when the message answers the open question
    and says nothing of correcting ("ja, in 2019 heb ik er al twee gebruikt" to "did you use a
    cheque?" is no correction of the years worked): then it answers the question."""
    if latest_intent(tracker) != "corrigeren" or corrects_itself(text, peildatum(), open_question):
        return False
    if marks_a_correction(text) or latest_confidence(tracker) >= SURE_CORRECTION:
        return True
    return open_question not in read_facts(text, open_question)[0]


def understanding_events(tracker: Tracker, kept: dict[str, Any], reading: Reading,
                         trusted: bool) -> list[EventType]:
    """Keep track of what was inferred (slot afgeleid) and of a range that straddles the rule's
    boundary (slot bereik). A fact said plainly now, or typed as a correction, is no longer
    inferred; a newly inferred fact asks for the check question again."""
    known: dict[str, str] = dict(tracker.get_slot("afgeleid") or {})
    inferred = {} if trusted else {k: str(v) for k, v in reading.inferred.items() if k in kept}
    for name in kept:
        known.pop(name, None)
    known.update(inferred)
    events: list[EventType] = []
    if known != (tracker.get_slot("afgeleid") or {}):
        events.append(SlotSet("afgeleid", known))
    if inferred:
        events.append(SlotSet(CHECK_SLOT, None))
        if reading.experience is not None and "werkervaring_jaren" in inferred:
            events.append(SlotSet("werkervaring_delen", {
                "delen": list(reading.experience.parts),
                "verlof": reading.experience.leave or reading.experience.skipped}))
    ranges = {k: list(v) for k, v in reading.ranges.items()}
    if ranges and tracker.get_slot("werkervaring_jaren") is None:
        events.append(SlotSet("bereik", ranges))
    elif "werkervaring_jaren" in kept and tracker.get_slot("bereik"):
        events.append(SlotSet("bereik", None))
    return events


def check_answer(text: str, tracker: Tracker) -> list[EventType]:
    """The answer to the check question: "ja" keeps the facts; a fact typed right away ("nee,
    26") replaces the checked one; "nee" forgets the checked fact so the form asks it plainly —
    with several, it first shows them numbered to pick the one that is wrong."""
    checked = [name for name in (tracker.get_slot("afgeleid") or {}) if tracker.get_slot(name) is not None]
    listed = list(tracker.get_slot("feiten_lijst") or [])
    done: list[EventType] = [SlotSet(CHECK_SLOT, True), SlotSet("afgeleid", {}), SlotSet("feiten_lijst", None),
                             SlotSet("beantwoord", True)]
    if listed and (name := chosen_fact(text, listed)):
        return [*done, SlotSet(name, None)]
    facts, _ = read_facts(text, checked[0] if len(checked) == 1 else None)
    changed = {k: v for k, v in facts.items() if tracker.get_slot(k) != v}
    if changed:
        return done + [SlotSet(name, value) for name, value in changed.items()]
    answer = read_ja_nee(text)
    if answer is None:
        return []  # not understood: the form counts a miss and asks again
    if answer is False and len(checked) > 1 and not listed:
        return [SlotSet("feiten_lijst", checked)]  # which one? (action_ask_feiten_bevestigd)
    if answer is False:
        return [*done, *(SlotSet(name, None) for name in (listed or checked)), SlotSet("bereik", None)]
    return done


def keep_known_facts(facts: dict[str, Any], tracker: Tracker, asked: str | None, correcting: bool) -> dict[str, Any]:
    """An answer never silently changes another fact: a known fact changes only when it is the
    question just asked, or the person corrects it. ("Terug aan het werk, maar in iets anders",
    the answer about help, must not turn a long-term sick person into an employee.)"""
    return {name: value for name, value in facts.items()
            if correcting or name == asked or tracker.get_slot(name) in (None, "")}


def statutory_this_turn(tracker: Tracker) -> bool:
    chosen, value = set_this_turn(tracker, "ambtenaar")
    return chosen and value == "statutair"


def check_civil_servant(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Statutory civil servants: the rules are unclear (domain.md, "check with staff"). Ask once
    whether they work with a contract; a second "statutory" goes on as an employee, under
    reserve, with where to check it."""
    if not tracker.get_slot("ambtenaar_gevraagd"):
        return [SlotSet("ambtenaar_gevraagd", True)]  # the ask action asks the check question
    dispatcher.utter_message(response="utter_ambtenaar_voorbehoud")
    return [SlotSet("werkstatus", "werknemer")]


class ValidateIntakeForm(FormValidationAction):
    """Asks the one fact the decision needs next (screening.next_missing_fact), or ends the form."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        missing = next_missing_fact(facts_from_tracker(tracker), peildatum())
        if missing is None and needs_check(fact_slots(tracker) | {CHECK_SLOT: tracker.get_slot(CHECK_SLOT)},
                                           tracker.get_slot("afgeleid")):
            missing = CHECK_SLOT  # one check question for what was inferred, before deciding
        return [missing] if missing else []

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        asked = tracker.get_slot("requested_slot")
        answered = tracker.slots_to_validate()
        events: list[EventType] = []
        if wants_person(tracker):
            events += hand_over(dispatcher)
        elif asked == "werkstatus" and "werkstatus" not in answered and statutory_this_turn(tracker):
            events += check_civil_servant(dispatcher, tracker)
        elif asked == CHECK_SLOT and (listed := set_this_turn(tracker, "feiten_lijst")[1]):
            # "nee" to several facts: the check question comes back as their numbered list (a
            # slot set tells Rasa the form handled the message).
            events.append(SlotSet("feiten_lijst", listed))
        elif asked and not answered and is_miss(tracker):
            events += count_miss(tracker)
        elif answered and tracker.get_slot("herhaal_teller"):
            events.append(SlotSet("herhaal_teller", 0))
        # Not an answer and not understood (a question, a request to stop): return no slot, so the
        # form lets the rules answer first; the form asks its question again afterwards.
        if gave_up(events):
            return events + [SlotSet("requested_slot", None)]  # ends the form; action_beslis says why
        for event in events:  # a fact this validation set counts for what to ask next
            if event.get("event") == "slot" and event.get("name") in FACT_SLOTS:
                tracker.slots[event["name"]] = event["value"]
        required = await self.required_slots([], dispatcher, tracker, domain)
        missing = required[0] if required else None
        return events + [SlotSet("requested_slot", missing)]

