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
from typing import TYPE_CHECKING, Protocol

from verwijzing.config import ConfigError, Settings
from verwijzing.notify.phone import mask

if TYPE_CHECKING:
    from verwijzing.notify.twilio_sender import TwilioSender

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


_MESSAGING_SERVICE = re.compile(r"MG[0-9a-fA-F]{32}")
_E164 = re.compile(r"\+[1-9]\d{7,14}")


def sender_from_settings(settings: Settings) -> LocalLogSender | TwilioSender:
    """The sender VERWIJZING_SMS_MODE asks for; twilio mode checks its three settings first."""
    if settings.sms_mode == "local":
        return LocalLogSender(settings.sms_log)
    missing = [
        name for name, value in (
            ("TWILIO_ACCOUNT_SID", settings.twilio_account_sid),
            ("TWILIO_AUTH_TOKEN", settings.twilio_auth_token),
            ("TWILIO_FROM_NUMBER", settings.twilio_from_number),
        ) if not value
    ]
    if missing:
        raise ConfigError(
            f"VERWIJZING_SMS_MODE=twilio needs {', '.join(missing)} (see .env.example), "
            "or set VERWIJZING_SMS_MODE=local"
        )
    if not settings.twilio_account_sid.startswith("AC"):
        raise ConfigError("TWILIO_ACCOUNT_SID must be the account SID from the Twilio console (it starts with AC)")
    sender = settings.twilio_from_number
    if not (_E164.fullmatch(sender) or _MESSAGING_SERVICE.fullmatch(sender)):
        raise ConfigError(
            "TWILIO_FROM_NUMBER must be a Twilio number in E.164 form (+32…) "
            "or a Messaging Service SID (MG followed by 32 hexadecimal characters)"
        )
    from verwijzing.notify.twilio_sender import TwilioSender  # the twilio package loads only here

    return TwilioSender(settings.twilio_account_sid, settings.twilio_auth_token, sender)
