"""Talking to Rasa on localhost: one turn, the conversation so far, the last reply.
The gateway speaks to Rasa through the project's channel (`verwijzing_rasa.channel`), which
tells Rasa the person's channel, so SMS and voice get their own wording. Rasa's HTTP API (behind
RASA_AUTH_TOKEN) gives the stored conversation, already redacted by the tracker store.
With several Rasa servers (`make run-scaled`) each turn goes to the least busy one: any server
may take any conversation, because they share the tracker store (PostgreSQL) and Rasa's Redis
lock store serialises the turns of one conversation across servers. A server that refuses the
connection is skipped for that turn: the message never reached it, so sending it to the next
one cannot process it twice. A timeout is not retried elsewhere (the turn may have run).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

from verwijzing.booking.references import TYPED_REFERENCE

WEBHOOK = "/webhooks/gateway/webhook"


class AssistantUnavailable(RuntimeError):
    """Rasa did not answer (down, starting, or too slow)."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[Button, ...] = field(default=())
    # The domain response it came from ("utter_mens"), when Rasa says so.
    response: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"from": "bot", "text": self.text,
                "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}


def bot_message(raw: dict[str, Any]) -> BotMessage:
    buttons = tuple(Button(str(b.get("title", "")), str(b.get("payload", "")))
                    for b in raw.get("buttons") or [] if isinstance(b, dict))
    response = raw.get("utter_action")
    return BotMessage(str(raw.get("text") or ""), buttons, str(response) if response else None)


def pick_server(in_flight: Sequence[int], start: int) -> int:
    """The least busy server; among equals the first from `start` on, so idle servers take turns."""
    count = len(in_flight)
    return min(((start + i) % count for i in range(count)), key=lambda index: in_flight[index])


class Assistant:
    def __init__(self, http: aiohttp.ClientSession, rasa_url: str | Sequence[str], token: str, *,
                 timeout: float = 60):
        urls = (rasa_url,) if isinstance(rasa_url, str) else tuple(rasa_url)
        if not urls:
            raise ValueError("at least one Rasa server is needed")
        self._http, self._bases, self._token = http, tuple(url.rstrip("/") for url in urls), token
        self._in_flight = [0] * len(self._bases)
        self._next = 0
        # A turn with a decision or a booking takes a few seconds on a busy machine.
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    @property
    def servers(self) -> tuple[str, ...]:
        return self._bases

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON answer of the least busy server that accepts the connection."""
        first = pick_server(self._in_flight, self._next)
        self._next = (first + 1) % len(self._bases)
        order = [(first + i) % len(self._bases) for i in range(len(self._bases))]
        for attempt, index in enumerate(order):
            self._in_flight[index] += 1
            try:
                async with self._http.request(method, self._bases[index] + path, timeout=self._timeout,
                                              **kwargs) as response:
                    if response.status != 200:
                        raise AssistantUnavailable(f"Rasa answered {response.status}")
                    return await response.json()
            except aiohttp.ClientConnectorError as exc:
                if attempt == len(order) - 1:
                    raise AssistantUnavailable(str(exc) or type(exc).__name__) from exc
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise AssistantUnavailable(str(exc) or type(exc).__name__) from exc
            finally:
                self._in_flight[index] -= 1
        raise AssertionError("unreachable: the last server either answered or raised")

    async def turn(self, sender: str, text: str, channel: str) -> list[BotMessage]:
        """Send what the person said (or a button's payload); Rasa's replies for that turn."""
        body = {"sender": sender, "message": text, "channel": channel}
        replies = await self._json("POST", WEBHOOK, json=body)
        return [bot_message(r) for r in replies if isinstance(r, dict) and (r.get("text") or r.get("buttons"))]

    async def pause(self, sender: str) -> None:
        """Rasa's own pause (ConversationPaused): a person takes over, the assistant predicts nothing."""
        await self._append(sender, {"event": "pause"})

    async def resume(self, sender: str) -> None:
        """ConversationResumed: the assistant answers again."""
        await self._append(sender, {"event": "resume"})

    async def _append(self, sender: str, event: dict[str, Any]) -> None:
        path = f"/conversations/{quote(sender, safe='')}/tracker/events"
        await self._json("POST", path, params={"token": self._token, "include_events": "NONE"}, json=event)

    async def replace_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        """The conversation's events become `events` (Rasa's PUT …/tracker/events): a conversation
        moved to this id. Rasa's SQL store only adds, so the caller drops what was there first."""
        path = f"/conversations/{quote(sender, safe='')}/tracker/events"
        await self._json("PUT", path, params={"token": self._token, "include_events": "NONE"}, json=events)

    async def events(self, sender: str) -> list[dict[str, Any]]:
        """The stored events of the conversation since its last restart ([] when there is none)."""
        path = f"/conversations/{quote(sender, safe='')}/tracker"
        tracker = await self._json("GET", path, params={"token": self._token})
        return list(tracker.get("events") or [])


HIDDEN_REFERENCE = "LK-····"


def transcript(events: list[dict[str, Any]],
               inserted: Sequence[tuple[float, dict[str, Any]]] = ()) -> list[dict[str, Any]]:
    """What the person saw: their messages and the bot's, in order. A button's payload is shown
    as the button's title, as the page showed it when it was pressed. Booking references of an
    earlier session are hidden: whoever opens the page a day later at a shared PC does not get
    them (the person has them in their SMS). `inserted`: lines from elsewhere (a consulent's
    messages while the assistant was paused), each at its time (a Unix timestamp, as Rasa's)."""
    lines: list[dict[str, Any]] = []
    pending = sorted(inserted, key=lambda item: item[0])
    last_buttons: tuple[Button, ...] = ()
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    current = starts[-1] if starts else 0
    for i, event in enumerate(events):
        while pending and pending[0][0] <= float(event.get("timestamp") or 0):
            lines.append(pending.pop(0)[1])
        earlier = i < current
        if event.get("event") == "user":
            text = str(event.get("text") or "")
            title = next((b.title for b in last_buttons if b.payload == text), None)
            lines.append({"from": "user", "text": _shown(title or text, earlier), "buttons": []})
        elif event.get("event") == "bot":
            data = event.get("data") or {}
            message = bot_message({"text": event.get("text"), "buttons": data.get("buttons")})
            if message.text or message.buttons:
                line = message.as_json()
                line["text"] = _shown(str(line.get("text") or ""), earlier)
                lines.append(line)
                last_buttons = message.buttons or last_buttons
    return lines + [line for _, line in pending]


def _shown(text: str, earlier: bool) -> str:
    # A booking reference: what, with a national number, once opened a booking to change.
    return TYPED_REFERENCE.sub(HIDDEN_REFERENCE, text) if earlier else text


def last_reply(events: list[dict[str, Any]]) -> list[BotMessage]:
    """The bot's messages after the person's last message: what "*" repeats and what a typed
    number chooses from."""
    reply: list[BotMessage] = []
    for event in events:
        if event.get("event") == "user":
            reply = []
        elif event.get("event") == "bot":
            data = event.get("data") or {}
            message = bot_message({"text": event.get("text"), "buttons": data.get("buttons")})
            if message.text or message.buttons:
                reply.append(message)
    return reply
