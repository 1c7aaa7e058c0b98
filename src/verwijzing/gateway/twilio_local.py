"""Twilio's side of the SMS and phone lines, on this machine: `verwijzing twilio sms` and
`verwijzing twilio bel` post to the gateway exactly what Twilio posts (the same form fields,
signed with TWILIO_AUTH_TOKEN over PUBLIC_BASE_URL), follow the TwiML as Twilio would (a key
pressed goes to the `<Gather>`'s action; a `<Dial>`'s `<Number url>` is fetched as the whisper,
then its action with how the call went), and print what the person would read or hear.

So `make run` can be tried by SMS and by keypad without a Twilio account; the tests build their
webhook requests with the same fields (one definition of what Twilio sends)."""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from twilio.request_validator import RequestValidator

ACCOUNT = "AC" + "0" * 32
OUR_NUMBER = "+32460000000"  # the line's own number, as Twilio names it in To


def sms_fields(body: str, sender: str, n: int | None = None) -> dict[str, str]:
    """The fields of Twilio's Messaging webhook for an incoming SMS: a new random message id (the
    gateway answers an id once, whatever process sends it), or the one numbered `n`."""
    sid = "SM" + (secrets.token_hex(16) if n is None else f"{n:032d}")
    return {"ToCountry": "BE", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
            "SmsStatus": "received", "Body": body, "To": OUR_NUMBER, "NumSegments": "1",
            "MessageSid": sid, "AccountSid": ACCOUNT, "From": sender, "ApiVersion": "2010-04-01",
            "FromCountry": "BE"}


def call_fields(call_sid: str, caller: str, **extra: str) -> dict[str, str]:
    """The fields Twilio's Voice webhook posts (a subset of them, as Twilio names them)."""
    return {"AccountSid": ACCOUNT, "ApiVersion": "2010-04-01", "CallSid": call_sid, "CallStatus": "in-progress",
            "Called": OUR_NUMBER, "Caller": caller, "Direction": "inbound", "From": caller, "To": OUR_NUMBER,
            **extra}


def signature(token: str, url: str, fields: dict[str, str]) -> str:
    return str(RequestValidator(token).compute_signature(url, fields))


@dataclass(frozen=True)
class Line:
    """Where the gateway listens (`gateway`) and the address Twilio would call (`public`), which
    the signature covers; the token both sides know."""

    gateway: str
    public: str
    token: str

    async def post(self, http: aiohttp.ClientSession, url: str, fields: dict[str, str]) -> str:
        """POST `fields` to `url` (an address under `public`), signed; the TwiML that comes back."""
        parts = urlsplit(url)
        local = self.gateway.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
        async with http.post(local, data=fields, headers={"X-Twilio-Signature": signature(self.token, url, fields)}
                             ) as response:
            text = await response.text()
            if response.status != 200:
                raise LineError(f"de gateway antwoordde {response.status}: {text[:200]}")
            return text

    def url(self, path: str) -> str:
        return self.public.rstrip("/") + path


class LineError(RuntimeError):
    pass


async def text_in(line: Line, sender: str, body: str) -> list[str]:
    """One SMS from `sender`: the texts the gateway answers with."""
    async with aiohttp.ClientSession() as http:
        twiml = await line.post(http, line.url("/webhooks/sms"), sms_fields(body, sender))
    return [m.text or "" for m in ET.fromstring(twiml).iter("Message")]  # noqa: S314 (our own gateway's TwiML)


def _spoken(root: ET.Element) -> str:
    return " ".join((say.text or "").strip() for say in root.iter("Say"))


async def call_in(line: Line, caller: str, keys: Iterable[str], *, nobody_answers: bool = False) -> list[str]:
    """A call from `caller` that presses `keys` one after the other ("41#" types 41 and ends with
    #): what the caller hears at each step, and what the consulent hears when put through."""
    heard: list[str] = []
    pressed = list(keys)
    call_sid = "CA" + secrets.token_hex(16)
    async with aiohttp.ClientSession() as http:
        async def post(url: str, **extra: str) -> ET.Element:
            twiml = await line.post(http, url, call_fields(call_sid, caller, **extra))
            return ET.fromstring(twiml)  # noqa: S314 (our own gateway's TwiML)

        root = await post(line.url("/webhooks/voice"))
        heard.append(_spoken(root))
        while True:
            dial, number = root.find("Dial"), root.find("Dial/Number")
            if dial is not None and number is not None:
                whisper = await post(number.get("url") or "")
                heard.append(f"[doorverbonden met {number.text}; de consulent hoort eerst] {_spoken(whisper)}")
                status = "no-answer" if nobody_answers else "completed"
                root = await post(dial.get("action") or "", DialCallStatus=status)
                heard.append(f"[{'niemand neemt op' if nobody_answers else 'gesprek voorbij'}] {_spoken(root)}")
                continue
            gather = root.find("Gather")
            if gather is None or not pressed:
                return heard
            key = pressed.pop(0)
            root = await post(gather.get("action") or "", Digits=key.removesuffix("#"))
            heard.append(f"[{key}] {_spoken(root)}")
