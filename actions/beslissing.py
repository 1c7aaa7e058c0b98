"""The decision: call the rules engine, say the outcome and why, set the outcome slots."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from verwijzing.config import peildatum
from verwijzing.explain import explain_decision
from verwijzing.facts import MissingFact
from verwijzing.screening import screen

from .safety import never_silent
from .tracker import facts_from_tracker


class ActionBeslis(Action):
    def name(self) -> str:
        return "action_beslis"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        try:
            decision = screen(facts_from_tracker(tracker), peildatum())
        except MissingFact:
            # Only reachable if the form was left early; never guess an outcome.
            dispatcher.utter_message(response="utter_niet_begrepen")
            return [SlotSet("route", None)]
        for message in explain_decision(decision):
            dispatcher.utter_message(text=message)
        return [
            SlotSet("in_aanmerking", decision.in_aanmerking),
            SlotSet("route", decision.route.value),
            SlotSet("bijdrage_per_uur", decision.bijdrage_per_uur),
        ]
