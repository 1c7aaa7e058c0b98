"""Reading the tracker: facts from slots, the latest message, the options last shown."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from verwijzing.decision.facts import Facts, parse_facts
from verwijzing.dialogue.understood import FACT_ORDER

FACT_SLOTS = FACT_ORDER
# Trajectories are counted by no regime in force (only a scenario for staff): never asked.
CHAT_DEFAULTS = {"eerder_gebruikt_trajecten": 0}

INTAKE_FORM = "intake_form"

QUESTIONS = frozenset({
    "vraag_wat_is_loopbaankrediet", "vraag_kostprijs", "vraag_aantal_uren", "vraag_sessie_inhoud",
    "vraag_begeleiders", "vraag_vertrouwelijk", "vraag_privacy", "vraag_verschil_vdab",
    "vraag_competentiecheck", "vraag_jongerenorientatie", "vraag_voorwaarden", "vraag_verandering_2027",
})
# Messages that are not answers: they are handled by rules, and must never fill a fact.
NOT_ANSWERS = QUESTIONS | frozenset({
    "chitchat_bot", "chitchat_hoe_gaat_het", "buiten_bereik", "stoppen", "opnieuw_beginnen",
    "mens_spreken", "bedanken", "afscheid", "afspraak_annuleren", "afspraak_verplaatsen",
})


def facts_from_tracker(tracker: Tracker) -> Facts:
    data: dict[str, Any] = {name: tracker.get_slot(name) for name in FACT_SLOTS}
    return parse_facts({**CHAT_DEFAULTS, **data})


def fact_slots(tracker: Tracker) -> dict[str, Any]:
    """The fact slots as they are now (None: not known)."""
    return {name: tracker.get_slot(name) for name in FACT_SLOTS}


def text_slot(tracker: Tracker, name: str) -> str:
    """A text slot's value, "" when it is not set (a slot holds whatever JSON was set: Any)."""
    value = tracker.get_slot(name)
    return value if isinstance(value, str) else ""


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_confidence(tracker: Tracker) -> float:
    return float(((tracker.latest_message or {}).get("intent") or {}).get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def active_form(tracker: Tracker) -> str | None:
    return (tracker.active_loop or {}).get("name")


def last_buttons(tracker: Tracker) -> list[dict[str, Any]]:
    """The buttons of the bot's last message before the latest user message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return []
            seen_user = True
        elif event.get("event") == "bot" and seen_user:
            buttons: list[dict[str, Any]] | None = (event.get("data") or {}).get("buttons")  # a bot event's
            if buttons:
                return buttons
    return []


def last_answered_fact(tracker: Tracker) -> str | None:
    """The fact the person answered most recently, before the latest message (for corrections)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") in FACT_SLOTS:
            fact: str = event["name"]
            return fact
    return None


def this_turn(tracker: Tracker) -> list[EventType]:
    """The events since the latest user message (what this turn's actions have done so far)."""
    events: list[EventType] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        events.append(event)
    return events[::-1]


def set_this_turn(tracker: Tracker, slot: str) -> tuple[bool, Any]:
    """Whether `slot` was set since the latest user message, and to what (the last value)."""
    found, value = False, None
    for event in this_turn(tracker):
        if event.get("event") == "slot" and event.get("name") == slot:
            found, value = True, event.get("value")
    return found, value


def misses_this_turn(tracker: Tracker) -> int:
    """How many times in a row the question now asked was not understood; 0 when this turn's
    message was not a miss (an answer, a question that was answered, a fresh start)."""
    found, value = set_this_turn(tracker, "herhaal_teller")
    return int(value or 0) if found else 0


def previous_action(tracker: Tracker) -> str | None:
    """The last action before the latest user message (not listening or slot extraction)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") not in (
                "action_listen", "action_extract_slots", None):
            action: str = event["name"]  # an action event names the action
            return action
    return None


def previous_intent(tracker: Tracker) -> str | None:
    """The intent of the user message before the latest one."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    intent: str | None = ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")
    return intent
