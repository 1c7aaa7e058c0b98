"""What was understood: the check question before deciding, and "klopt niet" after it.

Thin adapters over verwijzing.dialogue.understood: the texts and choices are pure functions; these
actions move slot values in and out. A changed fact goes back through the intake form, which
decides again (data/rules/beslissing.yml), so a corrected decision reads like any other.
"""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.repair import facts_read_this_turn
from actions.safety import never_silent
from actions.tracker import fact_slots, latest_intent, latest_text, misses_this_turn, set_this_turn
from verwijzing.config import peildatum
from verwijzing.dialogue.repair import MENU_FROM_MISS, Reply, main_reask, person_button, slot_reask
from verwijzing.dialogue.understood import (
    CHECK_SLOT,
    check_intro,
    check_question,
    chosen_fact,
    fact_list,
    list_text,
)
from verwijzing.interpret import read_ja_nee

# Set to start the intake form again (the rule "na de keuze, de intake opnieuw").
AGAIN = [SlotSet("menu_keuze", "intake"), SlotSet("route", None), SlotSet("in_aanmerking", None),
         SlotSet("feiten_lijst", None)]


class ActionAskFeitenBevestigd(Action):
    """The check question: what was inferred, said back, with "ja" / "nee"."""

    def name(self) -> str:
        return "action_ask_feiten_bevestigd"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        listed = tracker.get_slot("feiten_lijst")
        if listed:  # "nee" to several checked facts: which one is wrong?
            reply, _ = fact_list(fact_slots(tracker), only=listed)
            dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons))
            return []
        parts = tracker.get_slot("werkervaring_delen") or {}
        misses = misses_this_turn(tracker)
        reply = check_question(fact_slots(tracker), tracker.get_slot("afgeleid") or {},
                               parts.get("delen") or (), bool(parts.get("verlof")), misses)
        menu = slot_reask(CHECK_SLOT, misses, peildatum()) if misses >= MENU_FROM_MISS else None
        if menu is not None:
            # From the second miss on: the numbered menu with a person, under what was understood.
            intro = check_intro(fact_slots(tracker), tracker.get_slot("afgeleid") or {})
            reply = Reply(f"{intro}\n{menu.text}", menu.buttons)
        dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons))
        return []


class ActionFeitenLijst(Action):
    """ "klopt niet": the known facts as a numbered list, to pick the one that is wrong. Also the
    answer to "ik wil een afspraak" after a decision without a right: perhaps a fact was misread."""

    def name(self) -> str:
        return "action_feiten_lijst"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        no_right = latest_intent(tracker) == "afspraak_maken" and tracker.get_slot("in_aanmerking") is False
        reply, names = fact_list(fact_slots(tracker), no_right)
        dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons) or None)
        return [SlotSet("feiten_lijst", names or None)]


class ActionFeitKiezen(Action):
    """The answer to the list: a number asks that fact again; a fact typed right away
    (read by action_lees_feiten as a correction) decides again at once; "0" is a person."""

    def name(self) -> str:
        return "action_feit_kiezen"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        names = list(tracker.get_slot("feiten_lijst") or [])
        if set_this_turn(tracker, "menu_keuze") == (True, "mens"):
            dispatcher.utter_message(response="utter_mens")
            return [SlotSet("feiten_lijst", None), SlotSet("menu_keuze", None)]
        if facts_read_this_turn(tracker):
            return [*AGAIN, SlotSet("feiten_bevestigd", True)]
        name = chosen_fact(latest_text(tracker), names)
        if name is not None:
            return [SlotSet(name, None), SlotSet("afgeleid", {}), SlotSet("feiten_bevestigd", True),
                    SlotSet("bereik", None), *AGAIN]
        if read_ja_nee(latest_text(tracker)) is True:
            dispatcher.utter_message(text=list_text("alles_juist"))
        elif not names:
            dispatcher.utter_message(text=main_reask(1).text)
        else:
            # Once: the next message goes through the usual rules ("klopt niet" shows the list again).
            dispatcher.utter_message(text=list_text("niet_begrepen"), buttons=[person_button()])
        return [SlotSet("feiten_lijst", None), SlotSet("menu_keuze", None)]
