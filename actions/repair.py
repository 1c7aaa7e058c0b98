"""No dead ends: the fallback outside the questions, and every question's re-ask and menu.

Thin adapters over verwijzing.dialogue.repair: the actions read what was shown and typed, and say what
the pure functions give back.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.safety import never_silent
from actions.tracker import (
    FACT_SLOTS,
    NOT_ANSWERS,
    QUESTIONS,
    last_buttons,
    latest_intent,
    latest_text,
    misses_this_turn,
    previous_action,
    previous_intent,
    set_this_turn,
    this_turn,
)
from verwijzing.config import peildatum
from verwijzing.decision.answers import answer
from verwijzing.dialogue.repair import (
    MENU_INTROS,
    chosen_button,
    intent_of_payload,
    keuze_of_payload,
    main_reask,
    slot_reask,
)
from verwijzing.dialogue.understood import range_question

# The misses a question can take: a re-ask, then one menu per first line of content/repair.yaml.
GIVE_UP_AFTER = 1 + len(MENU_INTROS)
# Set when a form gave up; the action that follows a form says so instead of going on.
GAVE_UP = "opgegeven"
# Talk that is not an answer and not a question: it counts as a miss inside a form.
DRIFT = frozenset({"buiten_bereik", "chitchat_bot", "chitchat_hoe_gaat_het"})
# Intents that mean "go on with the intake" when nothing else was chosen.
START_INTENTS = frozenset({"informeren", "start_intake", "corrigeren"})
# What a main-menu choice leads to when a rule must start a form (data/rules/herstel.yml).
FORM_CHOICES = frozenset({"intake", "annuleren", "verplaatsen"})


def facts_read_this_turn(tracker: Tracker) -> bool:
    return any(e.get("event") == "slot" and e.get("name") in FACT_SLOTS and e.get("value") is not None
               for e in this_turn(tracker))


def wants_person(tracker: Tracker) -> bool:
    """The person typed the menu's "0" (a person) and no rule has answered it yet."""
    chosen, value = set_this_turn(tracker, "menu_keuze")
    form = (tracker.active_loop or {}).get("name")
    # When a rule already answered ("mens" classified as such), only the form itself has run.
    answered = any(e.get("event") == "action" and e.get("name") not in (form, "action_listen")
                   for e in this_turn(tracker))
    return chosen and value == "mens" and not answered


def is_miss(tracker: Tracker) -> bool:
    """The open question was not answered: an answer we could not read, or small talk and
    out-of-scope talk instead of an answer (answered kindly by a rule, but counted, or nonsense
    that the classifier calls small talk would loop forever). A real question is no miss."""
    intent = latest_intent(tracker)
    if intent in QUESTIONS and intent == previous_intent(tracker):
        return True  # the same "question" twice in a row is an answer we cannot read: never a loop
    return intent not in NOT_ANSWERS or intent in DRIFT


def hand_over(dispatcher: CollectingDispatcher) -> list[EventType]:
    """How to reach a person now; the question stays open, asked once more as it was."""
    dispatcher.utter_message(response="utter_mens")
    # Setting a slot tells Rasa the form handled the message, so it asks its question again.
    return [SlotSet("menu_keuze", None)]


def count_miss(tracker: Tracker) -> list[EventType]:
    """One more miss in a row: the form's ask action (actions/repair.py) words the re-ask. When
    every wording has been tried, the form gives up instead of saying one of them again: it ends
    without its fact, and the action after it hands over to a person (utter_opgegeven)."""
    tries = int(tracker.get_slot("herhaal_teller") or 0) + 1
    if tries > GIVE_UP_AFTER:
        return [SlotSet("herhaal_teller", 0), SlotSet("menu_keuze", None), SlotSet(GAVE_UP, True)]
    # Setting a slot tells Rasa the form handled the message, so it asks its question again.
    return [SlotSet("herhaal_teller", tries)]


def gave_up(events: list[EventType]) -> bool:
    return any(e.get("event") == "slot" and e.get("name") == GAVE_UP and e.get("value") for e in events)


class ActionHerstel(Action):
    """Outside a question: a message that was not understood, or a choice from the menu.

    A choice or a message with facts in it goes on (rules start the intake or a booking change
    from the slot `menu_keuze`); a miss is asked in other words, then answered with the menu."""

    def name(self) -> str:
        return "action_herstel"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        button = chosen_button(latest_text(tracker), last_buttons(tracker))
        keuze = None
        if button is not None:
            payload = str(button.get("payload", ""))
            keuze = keuze_of_payload(payload) or ("mens" if intent_of_payload(payload) == "mens_spreken" else None)
        decided = tracker.get_slot("route") is not None
        if keuze is None and (facts_read_this_turn(tracker) or (latest_intent(tracker) in START_INTENTS
                                                               and not decided)):
            # After a decision only something new starts it again: the same answer twice
            # would repeat the same decision.
            keuze = "intake"
        if keuze in FORM_CHOICES:
            return [SlotSet("menu_keuze", keuze), SlotSet("herhaal_teller", 0)]
        if keuze == "mens":
            dispatcher.utter_message(response="utter_mens")
            return [SlotSet("menu_keuze", None), SlotSet("herhaal_teller", 0)]
        if keuze == "kosten":
            dispatcher.utter_message(text=answer("vraag_kostprijs", peildatum()))
            dispatcher.utter_message(response="utter_aanbod_intake")
            return [SlotSet("menu_keuze", None), SlotSet("herhaal_teller", 0)]
        earlier = int(tracker.get_slot("herhaal_teller") or 0) if previous_action(tracker) == self.name() else 0
        misses = earlier + 1
        if misses > GIVE_UP_AFTER:
            # Every wording was tried: a person, and a fresh start after that.
            dispatcher.utter_message(response="utter_opgegeven")
            return [SlotSet("menu_keuze", None), SlotSet("herhaal_teller", 0)]
        if misses == 1 and latest_intent(tracker) == "buiten_bereik":
            dispatcher.utter_message(response="utter_buiten_bereik")  # what the assistant is for
        else:
            reply = main_reask(misses)
            dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons) or None)
        return [SlotSet("menu_keuze", None), SlotSet("herhaal_teller", misses)]


class AskSlot(Action):
    """action_ask_<slot>: the question itself, or after a miss the question in other words and
    then a numbered menu (see verwijzing.dialogue.repair.slot_reask)."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if self.slot == "werkstatus" and set_this_turn(tracker, "ambtenaar_gevraagd") == (True, True):
            dispatcher.utter_message(response="utter_ambtenaar_check")  # see actions/intake.py
            return []
        misses = misses_this_turn(tracker)
        reply = slot_reask(self.slot, misses, peildatum())
        bounds = (tracker.get_slot("bereik") or {}).get(self.slot)
        if bounds and misses == 0:
            # "tussen 5 en 10 jaar" while 7 decides: ask which side of the boundary.
            reply = range_question(self.slot, bounds, peildatum())
        if reply is None:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        else:
            dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons) or None)
        return []


# One ask action per question of the forms; gekozen_slot has its own (actions/booking.py), as its
# options are the free moments of the day.
ASKED_SLOTS = ("hulpvraag", "werkstatus", "woonregio", "werkregio", "werkervaring_jaren", "eerder_loopbaancheque",
               "eerder_gebruikt_uren", "leeftijd", "opleidingsniveau", "modaliteit", "postcode", "telefoon",
               "rijksregisternummer", "referentie_wijziging", "sms_code")
ASK_ACTIONS = {slot: type(f"ActionAsk_{slot}", (AskSlot,), {"slot": slot}) for slot in ASKED_SLOTS}
# Module attributes, so the action server can pickle them into its worker process.
globals().update({cls.__name__: cls for cls in ASK_ACTIONS.values()})
