"""The outbound-SMS adapter for Twilio, with Twilio's own library (Messages API, 2010-04-01).

What the dispatcher needs from it is an honest answer to "did Twilio take the message?":
- a message resource came back → yes, here is its SID;
- Twilio answered 429 (too many requests) or 5xx → no, try again later;
- Twilio answered another 4xx (21211 invalid number, 21610 the number sent STOP to Twilio, …) →
  no, and trying again will not help;
- the connection was refused or could not be made → no request went out, try again later;
- anything else (a read timeout, a connection dropped after the request was written) → unknown:
  the exception goes up unchanged and the dispatcher leaves the row for a person.
"""
from __future__ import annotations

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import MaxRetryError, NewConnectionError

from verwijzing.notify.senders import SendFailed, scrub

# Seconds for connecting and for Twilio's answer. Long enough for a slow day at Twilio, short
# enough that a dispatcher does not hang; a timeout leaves the row in "sending" (see sms.py).
TIMEOUT_S = 30.0


class TwilioSender:
    def __init__(self, account_sid: str, auth_token: str, sender: str, *, http_client: HttpClient | None = None):
        """`sender` is a Twilio number in E.164 form or a Messaging Service SID ("MG…").
        `http_client` replaces the network in tests; the default is Twilio's own, with a timeout
        and without retries of its own (retrying is the dispatcher's decision)."""
        self._client = Client(account_sid, auth_token, http_client=http_client or TwilioHttpClient(timeout=TIMEOUT_S))
        self._sender = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}

    def send(self, to: str, body: str) -> str | None:
        try:
            message = self._client.messages.create(to=to, body=body, **self._sender)
        except TwilioRestException as error:
            # 5xx: Twilio's own advice is to retry; a message it failed to store was not sent.
            retryable = error.status == 429 or error.status >= 500
            reason = f"twilio HTTP {error.status}" + (f" error {error.code}" if error.code else "")
            if error.msg:
                reason += f": {scrub(str(error.msg))}"
            raise SendFailed(reason[:200], retryable=retryable) from None
        except requests.exceptions.ConnectionError as error:
            if not _never_connected(error):
                raise
            raise SendFailed("twilio unreachable: no connection was made", retryable=True) from None
        return message.sid


def _never_connected(error: requests.exceptions.ConnectionError) -> bool:
    """True when the request cannot have reached Twilio: the TCP connection was never made
    (refused, no route, name not resolved, connect timeout). requests wraps these as a
    MaxRetryError whose reason is urllib3's NewConnectionError or a connect timeout."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    cause = error.args[0] if error.args else None
    return isinstance(cause, MaxRetryError) and isinstance(cause.reason, NewConnectionError)
