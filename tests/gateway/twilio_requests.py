"""Webhook requests as Twilio sends them: form-encoded, signed over PUBLIC_BASE_URL + path."""
from __future__ import annotations

import itertools

from twilio.request_validator import RequestValidator

TOKEN = "twilio-test-auth-token"
BASE = "https://loopbaan.example"
ACCOUNT = "AC" + "0" * 32
# Every SMS has its own MessageSid (a second request with one is a replay, answered once).
_MESSAGES = itertools.count(10_000)


def sms_fields(body: str, sender: str = "+32470123456", n: int | None = None) -> dict[str, str]:
    """The fields of Twilio's Messaging webhook for an incoming SMS (a new message id unless `n`)."""
    n = next(_MESSAGES) if n is None else n
    return {"ToCountry": "BE", "SmsMessageSid": f"SM{n:032d}", "NumMedia": "0", "SmsSid": f"SM{n:032d}",
            "SmsStatus": "received", "Body": body, "To": "+32460000000", "NumSegments": "1",
            "MessageSid": f"SM{n:032d}", "AccountSid": ACCOUNT, "From": sender, "ApiVersion": "2010-04-01",
            "FromCountry": "BE"}


def signed(path: str, fields: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    signature = RequestValidator(token).compute_signature(BASE + path, fields)
    return {"X-Twilio-Signature": signature}
