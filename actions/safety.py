"""Never silence: an action that fails still answers the person, and logs no personal data."""
from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)

A = TypeVar("A", bound=Action)
# An action's `run`, as rasa_sdk's Action declares it.
Run = Callable[[A, CollectingDispatcher, Tracker, DomainDict], Coroutine[Any, Any, list[EventType]]]


def never_silent(run: Run[A]) -> Run[A]:
    """Wrap an action's `run`: on an unexpected error, a friendly Dutch message and no events.

    The log gets the action, the error type and the code lines, never the exception's message,
    which may quote what the person typed (a national number, a phone number).
    """

    @functools.wraps(run)
    async def guarded(self: A, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: DomainDict) -> list[EventType]:
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception as exc:  # noqa: BLE001 — the boundary to the person
            frames = "".join(traceback.format_tb(exc.__traceback__))
            logger.error("action %s failed with %s\n%s", self.name(), type(exc).__name__, frames)
            dispatcher.utter_message(response="utter_technisch_probleem")
            return []

    return guarded
