"""Never silence: an action that fails still answers the person, and logs no personal data."""
from __future__ import annotations

import functools
import logging
import traceback

logger = logging.getLogger(__name__)


def never_silent(run):
    """Wrap an action's `run`: on an unexpected error, a friendly Dutch message and no events.

    The log gets the action, the error type and the code lines, never the exception's message,
    which may quote what the person typed (a national number, a phone number).
    """

    @functools.wraps(run)
    async def guarded(self, dispatcher, tracker, domain):
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception as exc:  # noqa: BLE001 — the boundary to the person
            frames = "".join(traceback.format_tb(exc.__traceback__))
            logger.error("action %s failed with %s\n%s", self.name(), type(exc).__name__, frames)
            dispatcher.utter_message(response="utter_technisch_probleem")
            return []

    return guarded
