"""Twilio's Messages API as seen from the official client: the edge of the world in these tests.

`FakeTwilio` is a `twilio.http.HttpClient`, the seam the twilio library offers for its transport:
the real `twilio.rest.Client` builds the request (URL, form fields, basic auth) and parses the
answer exactly as it does against api.twilio.com; only the network is replaced. The answers are
shaped like Twilio's: a 201 with a Message resource, errors as {"code", "message", "more_info",
"status"} (https://www.twilio.com/docs/usage/twilios-response).
"""
from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field

from twilio.http import HttpClient
from twilio.http.response import Response

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
FROM_NUMBER = "+3228080000"
MESSAGING_SERVICE_SID = "MG" + "fedcba9876543210" * 2

# What Twilio answers for the errors these tests use (codes and texts from Twilio's error docs).
ERRORS = {
    429: (20429, "Too Many Requests"),
    500: (20500, "An internal server error has occurred"),
    503: (20503, "Service unavailable"),
}


def error_21211(number: str) -> tuple[int, dict]:
    """Twilio's answer for an invalid 'To' number; note that it repeats the number."""
    return 400, {
        "code": 21211,
        "message": f"Invalid 'To' Phone Number: {number}",
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }


@dataclass
class Recorded:
    method: str
    url: str
    form: dict[str, str]
    auth: tuple[str, str] | None
    status: int
    sid: str | None  # of the message Twilio created, when it did


@dataclass
class FakeTwilio(HttpClient):
    """Answers with the given statuses in order (201 = created); then 201 for ever."""

    statuses: list[int | tuple[int, dict]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logging.getLogger("tests.fake_twilio"), False, None)

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False) -> Response:
        form = {key: str(value) for key, value in (data or {}).items()}
        answer = self.statuses.pop(0) if self.statuses else 201
        status, payload = answer if isinstance(answer, tuple) else (answer, None)
        if payload is None:
            payload = _message(form) if status == 201 else _error(status)
        self.requests.append(Recorded(method, url, form, auth, status, payload.get("sid")))
        return Response(status, json.dumps(payload), {"Content-Type": "application/json"})

    @property
    def created(self) -> list[Recorded]:
        return [r for r in self.requests if r.status == 201]


def _error(status: int) -> dict:
    code, message = ERRORS[status]
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status}


def _message(form: dict[str, str]) -> dict:
    sid = "SM" + secrets.token_hex(16)
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": form.get("Body"),
        "date_created": "Mon, 01 Feb 2027 09:00:00 +0000",
        "date_sent": None,
        "date_updated": "Mon, 01 Feb 2027 09:00:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if form.get("MessagingServiceSid") else "queued",
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json"},
        "to": form.get("To"),
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
    }
