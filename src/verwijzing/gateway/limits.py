"""Rate limits on the public doors: the web chat, the staff login, Twilio's webhooks and /health.

Each door has a budget of requests per minute per client address, and the chat one per
conversation too; over it, a 429 with one plain Dutch sentence (TwiML on the webhooks, so the
caller hears or reads it), and `Retry-After`. Fixed one-minute windows: simple, and enough to stop
a flood without ever slowing a person who types.

The counts live in this process (`MemoryCounter`), or in Redis when VERWIJZING_LIMITS_REDIS_URL is
set (`make run-scaled` sets it), so that two gateways count together (`RedisCounter`).

The client address is the connection's, never a header a caller can write: behind a reverse proxy
VERWIJZING_PROXY_HOPS says how many proxies to trust, and the address is read that many places
from the right of X-Forwarded-For.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import escape

from aiohttp import web

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
SMS_SENDER = Door("sms", per_address=20)


def door_of(request: web.Request) -> Door | None:
    path, method = request.path, request.method
    if path.startswith("/chat"):
        return CHAT
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
        self.counts: dict[str, tuple[int, int]] = {}

    async def hit(self, key: str) -> int:
        window = int((self.clock or _now)() // WINDOW)
        if len(self.counts) > 100_000:  # old windows are dropped, not kept forever
            self.counts = {k: v for k, v in self.counts.items() if v[0] == window}
        start, count = self.counts.get(key, (window, 0))
        count = count + 1 if start == window else 1
        self.counts[key] = (window, count)
        return count


class RedisCounter:
    """Counts in Redis: every gateway of `make run-scaled` sees the same counts."""

    def __init__(self, url: str, clock: Callable[[], float] | None = None):
        from redis.asyncio import Redis  # only when configured

        self.redis = Redis.from_url(url)
        self.clock = clock

    async def hit(self, key: str) -> int:
        window = int((self.clock or _now)() // WINDOW)
        name = f"verwijzing:limit:{window}:{key}"
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


def too_many(request: web.Request) -> web.Response:
    headers = {"Retry-After": str(WINDOW)}
    if request.path.startswith("/webhooks/sms"):
        body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(TOO_MANY)}</Message></Response>'
        return web.Response(status=429, text=body, content_type="application/xml", headers=headers)
    if request.path.startswith("/webhooks/voice"):
        body = (f'<?xml version="1.0" encoding="UTF-8"?><Response><Say language="nl-BE">{escape(TOO_MANY)}</Say>'
                "<Hangup/></Response>")
        return web.Response(status=429, text=body, content_type="application/xml", headers=headers)
    if request.path.startswith("/chat"):
        return web.json_response({"error": TOO_MANY}, status=429, headers=headers)
    return web.Response(status=429, text=TOO_MANY, headers=headers)


def limit_middleware(counter: Counter, proxy_hops: int,
                     conversation: Callable[[web.Request], str | None]) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def limit(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                    ) -> web.StreamResponse:
        door = door_of(request)
        if door is not None:
            if await counter.hit(f"{door.name}:a:{client_address(request, proxy_hops)}") > door.per_address:
                return too_many(request)
            said = conversation(request) if door.per_conversation else None
            if said and door.per_conversation and await counter.hit(f"{door.name}:c:{said}") > door.per_conversation:
                return too_many(request)
        return await handler(request)
    return limit
