"""Who delivers an SMS: one small protocol, a local sender per need, Twilio for real phones.

The dispatcher (verwijzing.notify.sms) decides what happens to a row from how `send` ends:
it returns → sent; it raises `SendFailed` → the message certainly did not go out (retry later or
give up, as `retryable` says); it raises anything else → nobody knows whether the provider has it,
so the row is left for a person to check (never sent twice).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from verwijzing.notify.phone import mask

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, to: str, body: str) -> str | None:
        """Hand one message for an E.164 number to the provider; return the provider's id for it
        (None when it has none). Raise `SendFailed` only when the message certainly did not go out."""


class SendFailed(Exception):
    """The provider did not take the message. `reason` is short and holds no phone number (it ends
    up in the outbox row and the log); `retryable` says whether trying again later may work."""

    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


def scrub(text: str) -> str:
    """A provider's message without phone numbers: Twilio's texts repeat the 'To' number."""
    return _NUMBER.sub("…", text)


_NUMBER = re.compile(r"\+?\d[\d .\-/()]{5,}\d")


class LocalOutboxSender:
    """Keeps messages in memory (tests, demos in one process): nothing leaves the machine."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> str | None:
        self.delivered.append((to, body))
        log.info("local SMS mode: message to %s kept in memory, not sent", mask(to))
        return None


class LocalLogSender:
    """Local mode of `make run`: each message becomes one line of the SMS log instead of an SMS.

    The line has the time, the masked number ("…56") and the text exactly as the citizen would
    read it (line breaks written as "\\n" so that one message stays one line). Never the whole
    number: the log is a file anyone on the machine may open."""

    def __init__(self, path: str | Path, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.path = Path(path)
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def send(self, to: str, body: str) -> str | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = body.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")
        line = f"{self._clock().isoformat(timespec='seconds')}\t{mask(to)}\t{text}\n"
        # One write of one line in append mode: lines of two dispatchers do not interleave.
        with self.path.open("a", encoding="utf-8") as log_file:
            log_file.write(line)
        return None
