"""The decision: call the rules engine, say the outcome and why (and, for the credit, what it
costs), set the outcome slots, and record the decision as a referral (actions/referrals.py). The
next step follows as its own action: action_volgende_stap, or action_aanbod_boeking with the
booking offer for the credit routes (data/rules/beslissing.yml). At most three messages in all
(verwijzing.decision.explain)."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.referrals import record_decision_of
from actions.safety import never_silent
from actions.tracker import fact_slots, facts_from_tracker
from verwijzing.config import peildatum
from verwijzing.decision.explain import explain_decision, next_step
from verwijzing.decision.facts import MissingFact
from verwijzing.decision.screening import screen
from verwijzing.dialogue.understood import said_back


class ActionBeslis(Action):
    def name(self) -> str:
        return "action_beslis"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        facts = facts_from_tracker(tracker)
        try:
            decision = screen(facts, peildatum())
        except MissingFact:
            # Only reachable when the form gave up on a question: never guess an outcome.
            dispatcher.utter_message(response="utter_opgegeven")
            return [SlotSet("route", None), SlotSet("opgegeven", False)]
        record_decision_of(tracker, decision, facts)
        explanation = explain_decision(decision, tracker.get_slot("woonregio"))
        # First what the decision rests on, so a misread fact is seen and can be corrected.
        understood = said_back(fact_slots(tracker))
        dispatcher.utter_message(text=f"{understood}\n{explanation.uitkomst}" if understood else explanation.uitkomst)
        if explanation.kosten:
            dispatcher.utter_message(text=explanation.kosten)
        return [
            SlotSet("in_aanmerking", decision.in_aanmerking),
            SlotSet("route", decision.route.value),
            SlotSet("bijdrage_per_uur", decision.bijdrage_per_uur),
        ]


class ActionVolgendeStap(Action):
    """The next step of a route without booking: what, where and how (the region's own service)."""

    def name(self) -> str:
        return "action_volgende_stap"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        route = tracker.get_slot("route")
        if route:
            dispatcher.utter_message(text=next_step(route, tracker.get_slot("woonregio"), peildatum()))
        return []
