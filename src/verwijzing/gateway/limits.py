"""Rate limits on the public doors: the web chat, the staff login, Twilio's webhooks and /health.

Each door has a budget of requests per minute per client address, and the chat one per
conversation too; over it, a 429 with one plain Dutch sentence and `Retry-After`. Twilio's
webhooks are the exception: Twilio does not act on a 4xx (its error 11217: "Twilio's webhooks do
not support rate limiting"), so they get a 200 with TwiML that says the sentence once per window
(an SMS back costs money) and nothing after that. Fixed one-minute windows: simple, and enough to
stop a flood without ever slowing a person who types.

When Redis does not answer, the request goes through (logged): a missing counter must not close
the chat, the login and the phone line.

The counts live in this process (`MemoryCounter`), or in Redis when VERWIJZING_LIMITS_REDIS_URL is
set (`make run-scaled` sets it), so that two gateways count together (`RedisCounter`).

The client address is the connection's, never a header a caller can write: behind a reverse proxy
VERWIJZING_PROXY_HOPS says how many proxies to trust, and the address is read that many places
from the right of X-Forwarded-For.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from redis.exceptions import RedisError
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from verwijzing.gateway.twiml import LANGUAGE, VOICE

logger = logging.getLogger(__name__)

WINDOW = 60  # seconds

TOO_MANY = "Je stuurt te veel berichten na elkaar. Wacht een minuutje en probeer het dan opnieuw."


@dataclass(frozen=True)
class Door:
    """A group of routes with its budgets per minute: per address, and per conversation."""

    name: str
    per_address: int
    per_conversation: int | None = None


# Budgets: far above what a person does (a chat turn every 2 seconds for a minute), far below a
# flood. Twilio's requests come from a few of its own addresses, so the webhooks' per-address
# budget is that of many callers together; each SMS sender gets its own budget after its
# signature is checked (gateway/sms/webhook.py).
CHAT = Door("chat", per_address=120, per_conversation=30)
LOGIN = Door("login", per_address=30)
WEBHOOKS = Door("webhooks", per_address=1200)
HEALTH = Door("health", per_address=60)
# Going on with an SMS conversation on the web (gateway/web/carry.py): a few tries a minute is a person.
CARRY = Door("verder", per_address=20)
# Each SMS sender (a conversation): counted under "sms:c:<key>" once the signature is checked.
SMS_PER_SENDER = 20


def door_of(request: web.Request) -> Door | None:
    path, method = request.path, request.method
    if path.startswith("/chat"):
        return CHAT
    if path.startswith("/verder") and method == "POST":
        return CARRY
    if path == "/staff/login" and method == "POST":
        return LOGIN
    if path.startswith("/webhooks/"):
        return WEBHOOKS
    if path == "/health":
        return HEALTH
    return None


def _now() -> float:
    """The clock of the windows (a function of this module, so a test can hold it still)."""
    return time.time()


class Counter(Protocol):
    async def hit(self, key: str) -> int:
        """Count one request for `key` in the current window; the count so far."""


class MemoryCounter:
    """Counts in this process: one gateway."""

    def __init__(self, clock: Callable[[], float] | None = None):
        self.clock = clock
        self.window = -1
        self.counts: dict[str, int] = {}

    async def hit(self, key: str) -> int:
        window = int((self.clock or _now)() // WINDOW)
        if window != self.window:  # a new minute: the old counts are of no use
            self.counts, self.window = {}, window
        self.counts[key] = count = self.counts.get(key, 0) + 1
        return count


class RedisCounter:
    """Counts in Redis: every gateway of `make run-scaled` sees the same counts."""

    def __init__(self, url: str, clock: Callable[[], float] | None = None, prefix: str = "verwijzing"):
        from redis.asyncio import Redis  # only when configured

        self.redis = Redis.from_url(url)
        self.clock, self.prefix = clock, prefix

    async def hit(self, key: str) -> int:
        window = int((self.clock or _now)() // WINDOW)
        name = f"{self.prefix}:limit:{window}:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, WINDOW * 2)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self.redis.aclose()


def client_address(request: web.Request, proxy_hops: int) -> str:
    if proxy_hops > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= proxy_hops:
            return forwarded[-proxy_hops]
    return request.remote or ""


def too_many(request: web.Request, count: int, budget: int) -> web.Response:
    """The answer past a budget (`count` is this request's number in the window)."""
    headers = {"Retry-After": str(WINDOW)}
    first = count == budget + 1
    if request.path.startswith("/webhooks/sms"):
        message = MessagingResponse()
        if first:
            message.message(TOO_MANY)
        return web.Response(text=str(message), content_type="application/xml")
    if request.path.startswith("/webhooks/voice"):
        call = VoiceResponse()
        if first:
            call.say(TOO_MANY, language=LANGUAGE, voice=VOICE)
        call.hangup()
        return web.Response(text=str(call), content_type="text/xml")
    if request.path.startswith("/chat"):
        return web.json_response({"error": TOO_MANY}, status=429, headers=headers)
    return web.Response(status=429, text=TOO_MANY, headers=headers)


async def counted(counter: Counter, key: str) -> int:
    """The request's number in its window, or 0 when the counter does not answer (let through)."""
    try:
        return await counter.hit(key)
    except (OSError, RedisError) as error:
        logger.warning("rate limits: the counter does not answer (%s); the request goes through",
                       type(error).__name__)
        return 0


def limit_middleware(counter: Counter, proxy_hops: int,
                     conversation: Callable[[web.Request], str | None]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def limit(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        door = door_of(request)
        if door is not None:
            count = await counted(counter, f"{door.name}:a:{client_address(request, proxy_hops)}")
            if count > door.per_address:
                return too_many(request, count, door.per_address)
            said = conversation(request) if door.per_conversation else None
            if said and door.per_conversation:
                count = await counted(counter, f"{door.name}:c:{said}")
                if count > door.per_conversation:
                    return too_many(request, count, door.per_conversation)
        return await handler(request)
    return limit
