"""Which sender delivers the SMS of this process: VERWIJZING_SMS_MODE and the Twilio settings.

Apart from senders.py because it knows every sender, Twilio's too, while twilio_sender.py builds
on senders.py (SendFailed, scrub): one module for both would import itself in a circle.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from verwijzing.config import ConfigError, Settings
from verwijzing.notify.senders import LocalLogSender

if TYPE_CHECKING:
    from verwijzing.notify.twilio_sender import TwilioSender

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
    from verwijzing.notify.twilio_sender import (
        TwilioSender,  # the twilio package loads only here
    )

    return TwilioSender(settings.twilio_account_sid, settings.twilio_auth_token, sender)
