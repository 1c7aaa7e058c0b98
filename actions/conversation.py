"""Questions, and starting over."""
from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, AllSlotsReset, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import IDENTITY_SLOTS
from actions.repair import facts_read_this_turn
from actions.safety import never_silent
from actions.tracker import latest_intent
from verwijzing.config import peildatum
from verwijzing.decision.answers import answer


class ActionBeantwoordVraag(Action):
    """Answers a question intent with the policy's figures on the reference date."""

    def name(self) -> str:
        return "action_beantwoord_vraag"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = answer(latest_intent(tracker) or "", peildatum())
        if text:
            dispatcher.utter_message(text=text)
        else:
            dispatcher.utter_message(response="utter_niet_begrepen")
        return []


class ActionOpnieuwBeginnen(Action):
    def name(self) -> str:
        return "action_opnieuw_beginnen"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_opnieuw")
        return [AllSlotsReset()]


class ActionStoppen(Action):
    """ "Stop" or goodbye outside a form — unless the message told a story with facts in it: "ik kan
    echt niet meer … ik denk dat ik een burn-out heb" is no goodbye, whatever the classifier
    thought, so the intake goes on with what it said (data/rules/gesprek.yml)."""

    def name(self) -> str:
        return "action_stoppen"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if facts_read_this_turn(tracker) and tracker.get_slot("route") is None:
            return [SlotSet("menu_keuze", "intake")]
        dispatcher.utter_message(response="utter_afscheid" if latest_intent(tracker) == "afscheid" else "utter_gestopt")
        return [SlotSet("menu_keuze", None)]


class ActionSessionStart(Action):
    """A new session (after a day without a message, bot/basis.yml) goes on with the facts of the
    last one, as Rasa's own does, but never with who the person was: their national number's key,
    phone and code proof stay behind (issue 18: the next person at a shared PC, or a message
    from a spoofed number a day later, starts as nobody)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        kept = [SlotSet(name, value) for name, value in tracker.slots.items()
                if value is not None and name not in IDENTITY_SLOTS]
        return [SessionStarted(), *kept, ActionExecuted("action_listen")]
