"""The gateway's Assistant with several Rasa servers (RASA_URLS): each turn goes to the least busy
server, idle servers take turns, a server that refuses the connection is skipped, and a turn that
may have run (an error answer, a timeout) is never sent again to another server.

The servers here are small aiohttp apps that answer as Rasa's channel webhook does and note what
reached them; the real Rasa servers are in test_two_rasa_servers.py."""
from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web

from tests.conversation.stack import free_port
from verwijzing.config import ConfigError, redis_lock_env, settings
from verwijzing.gateway.assistant import (
    WEBHOOK,
    Assistant,
    AssistantUnavailable,
    pick_server,
)


class FakeRasa:
    """Answers the webhook with one bot message naming itself; `hold` keeps turns waiting."""

    def __init__(self, name: str, status: int = 200):
        self.name, self.status = name, status
        self.received: list[str] = []
        self.hold = asyncio.Event()
        self.hold.set()

    def app(self) -> web.Application:
        async def webhook(request: web.Request) -> web.Response:
            body = await request.json()
            self.received.append(body["message"])
            await self.hold.wait()
            if self.status != 200:
                return web.Response(status=self.status)
            return web.json_response([{"recipient_id": body["sender"], "text": f"{self.name}: {body['message']}"}])

        async def tracker(request: web.Request) -> web.Response:
            self.received.append("tracker")
            return web.json_response({"events": [{"event": "user", "text": self.name}]})

        app = web.Application()
        app.router.add_post(WEBHOOK, webhook)
        app.router.add_get("/conversations/{sender}/tracker", tracker)
        return app


@pytest.fixture
async def two(aiohttp_server):
    a, b = FakeRasa("A"), FakeRasa("B")
    servers = [await aiohttp_server(fake.app()) for fake in (a, b)]
    async with aiohttp.ClientSession() as http:
        yield a, b, Assistant(http, [str(s.make_url("")) for s in servers], "token")


def test_the_least_busy_server_is_picked_and_idle_ones_take_turns():
    assert pick_server([0, 0], 0) == 0
    assert pick_server([0, 0], 1) == 1
    assert pick_server([3, 1, 2], 0) == 1
    assert pick_server([1, 0, 0], 2) == 2
    assert pick_server([0], 0) == 0


async def test_turns_one_after_the_other_alternate_between_servers(two):
    a, b, assistant = two
    said = [(await assistant.turn("s1", f"bericht {n}", "web"))[0].text for n in range(4)]
    assert said == ["A: bericht 0", "B: bericht 1", "A: bericht 2", "B: bericht 3"]
    assert (a.received, b.received) == (["bericht 0", "bericht 2"], ["bericht 1", "bericht 3"])


async def test_a_busy_server_gets_no_new_turn_until_the_other_is_as_busy(two):
    a, b, assistant = two
    a.hold.clear()  # A is slow: its turn stays in flight
    slow = asyncio.create_task(assistant.turn("s1", "traag", "web"))
    while not a.received:
        await asyncio.sleep(0.01)
    quick = [(await assistant.turn(f"s{n}", "snel", "web"))[0].text for n in range(2, 5)]
    assert quick == ["B: snel"] * 3
    a.hold.set()
    assert (await slow)[0].text == "A: traag"


async def test_a_server_that_is_down_is_skipped(aiohttp_server):
    up = FakeRasa("B")
    server = await aiohttp_server(up.app())
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    async with aiohttp.ClientSession() as http:
        assistant = Assistant(http, [down, str(server.make_url(""))], "token")
        said = [(await assistant.turn("s1", f"bericht {n}", "web"))[0].text for n in range(3)]
        assert said == ["B: bericht 0", "B: bericht 1", "B: bericht 2"]
        assert [e["text"] for e in await assistant.events("s1")] == ["B"]
        assistant = Assistant(http, [down, f"http://127.0.0.1:{free_port()}"], "token")
        with pytest.raises(AssistantUnavailable):
            await assistant.turn("s1", "hallo", "web")


async def test_a_turn_that_may_have_run_is_not_sent_again_elsewhere(aiohttp_server):
    failing, other = FakeRasa("A", status=500), FakeRasa("B")
    servers = [await aiohttp_server(fake.app()) for fake in (failing, other)]
    async with aiohttp.ClientSession() as http:
        assistant = Assistant(http, [str(s.make_url("")) for s in servers], "token")
        with pytest.raises(AssistantUnavailable, match="500"):
            await assistant.turn("s1", "hallo", "web")
    assert (failing.received, other.received) == (["hallo"], [])


def test_rasa_urls_from_the_environment_or_rasa_url_alone(monkeypatch):
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5005")
    monkeypatch.delenv("RASA_URLS", raising=False)
    assert settings().rasa_servers == ("http://127.0.0.1:5005",)
    monkeypatch.setenv("RASA_URLS", " http://127.0.0.1:5005/, http://127.0.0.1:5006 ,")
    assert settings().rasa_servers == ("http://127.0.0.1:5005", "http://127.0.0.1:5006")
    monkeypatch.setenv("RASA_URLS", "127.0.0.1:5005")
    with pytest.raises(ConfigError, match="RASA_URLS"):
        settings()


def test_the_lock_store_settings_from_redis_url_or_its_parts():
    # The gateways' rate limits go to the same Redis (run_scaled.sh exports all of these).
    assert redis_lock_env({"REDIS_URL": "redis://:ge%40heim@redis.intern:6380/3"}) == {
        "REDIS_HOST": "redis.intern", "REDIS_PORT": "6380", "REDIS_DB": "3", "REDIS_PASSWORD": "ge@heim",
        "REDIS_KEY_PREFIX": "verwijzing", "VERWIJZING_LIMITS_REDIS_URL": "redis://:ge%40heim@redis.intern:6380/3"}
    assert redis_lock_env({"REDIS_HOST": "10.0.0.5", "REDIS_DB": "2", "REDIS_KEY_PREFIX": "acc"}) == {
        "REDIS_HOST": "10.0.0.5", "REDIS_PORT": "6379", "REDIS_DB": "2", "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": "acc", "VERWIJZING_LIMITS_REDIS_URL": "redis://10.0.0.5:6379/2"}
    assert redis_lock_env({})["REDIS_HOST"] == "127.0.0.1"
    for wrong in ({"REDIS_URL": "http://redis:6379"}, {"REDIS_PORT": "redis"}, {"REDIS_DB": "een"},
                  {"REDIS_KEY_PREFIX": "my-stack"}):
        with pytest.raises(ConfigError):
            redis_lock_env(wrong)
