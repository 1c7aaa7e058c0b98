"""Webhook requests as Twilio sends them: form-encoded, signed over PUBLIC_BASE_URL + path."""
from __future__ import annotations

from twilio.request_validator import RequestValidator

from verwijzing.gateway import twilio_local

TOKEN = "twilio-test-auth-token"
BASE = "https://loopbaan.example"
ACCOUNT = twilio_local.ACCOUNT


def sms_fields(body: str, sender: str = "+32470123456", n: int | None = None) -> dict[str, str]:
    """The fields of Twilio's Messaging webhook for an incoming SMS (a new message id unless `n`);
    every SMS has its own MessageSid (a second request with one is a replay, answered once)."""
    return twilio_local.sms_fields(body, sender, n)


def signed(path: str, fields: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    signature = RequestValidator(token).compute_signature(BASE + path, fields)
    return {"X-Twilio-Signature": signature}
