"""Rate limits (issue 18, point 8) through real HTTP: a 429 with a plain Dutch sentence past the
budget — JSON on the chat, TwiML on the webhooks — counted per address and per conversation,
never by a header a caller writes, and shared through Redis by two gateways."""
from __future__ import annotations

import dataclasses
import os
import uuid
import xml.etree.ElementTree as ET

import pytest

from tests.gateway.twilio_requests import BASE, TOKEN, signed, sms_fields
from tests.support.gateway import offline_settings
from verwijzing.gateway import init_app
from verwijzing.gateway.limits import CHAT, HEALTH, SMS_PER_SENDER, TOO_MANY, WINDOW, Door, MemoryCounter, RedisCounter

WEBHOOKS_OF_TWO = Door("webhooks", per_address=2)
REDIS = os.environ.get("VERWIJZING_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture(autouse=True)
def one_window(monkeypatch):
    """Every request of a test in one window: a test that crossed a minute would start counting again."""
    monkeypatch.setattr("verwijzing.gateway.limits._now", lambda: 1_000_000.0)


@pytest.fixture
def config(db, monkeypatch):
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "limits-test-secret")
    return offline_settings(db, twilio_auth_token=TOKEN, public_base_url=BASE)


async def test_the_counter_starts_again_each_minute():
    now = [0.0]
    counter = MemoryCounter(clock=lambda: now[0])
    assert [await counter.hit("k") for _ in range(3)] == [1, 2, 3]
    now[0] += WINDOW
    assert await counter.hit("k") == 1


async def test_health_past_its_budget_gets_a_plain_429(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    statuses = [(await client.get("/health")).status for _ in range(HEALTH.per_address + 1)]
    assert 429 not in statuses[:-1] and statuses[-1] == 429
    last = await client.get("/health")
    assert last.status == 429 and last.headers["Retry-After"] == str(WINDOW) and TOO_MANY in await last.text()


async def test_one_conversation_past_its_budget_hears_it_in_dutch(aiohttp_client, config):
    # Over http: the test client sends no Secure cookie.
    client = await aiohttp_client(init_app(dataclasses.replace(config, public_base_url="http://localhost:8080")))
    await client.post("/chat/wis", json={})  # a conversation id of our own
    statuses = [(await client.get("/chat")).status for _ in range(CHAT.per_conversation + 1)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    refused = await client.get("/chat")
    assert (await refused.json())["error"] == TOO_MANY


async def test_a_forwarded_for_header_does_not_buy_a_new_budget(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    for n in range(HEALTH.per_address):
        await client.get("/health", headers={"X-Forwarded-For": f"10.0.0.{n}"})
    assert (await client.get("/health", headers={"X-Forwarded-For": "10.9.9.9"})).status == 429


async def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(aiohttp_client, config):
    client = await aiohttp_client(init_app(dataclasses.replace(config, proxy_hops=1)))
    for _ in range(HEALTH.per_address):
        await client.get("/health", headers={"X-Forwarded-For": "203.0.113.5"})
    assert (await client.get("/health", headers={"X-Forwarded-For": "203.0.113.5"})).status == 429
    assert (await client.get("/health", headers={"X-Forwarded-For": "203.0.113.6"})).status != 429


async def test_one_sms_sender_past_its_budget_reads_it_once(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    for _ in range(SMS_PER_SENDER):
        fields = sms_fields("help", "+32470555555")
        assert (await client.post("/webhooks/sms", data=fields, headers=signed("/webhooks/sms", fields))).status == 200
    # 200, not 429: Twilio does not act on a 4xx (error 11217), so the sender would read nothing.
    replies = []
    for _ in range(2):
        fields = sms_fields("help", "+32470555555")
        refused = await client.post("/webhooks/sms", data=fields, headers=signed("/webhooks/sms", fields))
        assert refused.status == 200
        replies.append([m.text for m in ET.fromstring(await refused.text()).iter("Message")])
    assert replies == [[TOO_MANY], []]  # once a minute: an SMS back costs money
    other = sms_fields("help", "+32470666666")  # another person is not held back
    assert (await client.post("/webhooks/sms", data=other, headers=signed("/webhooks/sms", other))).status == 200


async def test_two_gateways_count_together_through_redis(aiohttp_client, config):
    shared = dataclasses.replace(config, limits_redis_url=REDIS)
    first, second = await aiohttp_client(init_app(shared)), await aiohttp_client(init_app(shared))
    # A fresh key space for this run: the window's keys are per address, and both clients are 127.0.0.1.
    probe = RedisCounter(REDIS)
    try:
        # Counts left by an earlier run in the same minute would decide this one.
        async for key in probe.redis.scan_iter("verwijzing:limit:*"):
            await probe.redis.delete(key)
    finally:
        await probe.close()
    half = HEALTH.per_address // 2
    for client in (first, second):
        for _ in range(half):
            await client.get("/health", headers={"X-Test": uuid.uuid4().hex})
    assert (await first.get("/health")).status == 429


async def test_the_phone_past_its_budget_hears_it_in_the_voice_of_the_line(aiohttp_client, config, monkeypatch):
    from verwijzing.gateway.twiml import VOICE
    monkeypatch.setattr("verwijzing.gateway.limits.WEBHOOKS", WEBHOOKS_OF_TWO)
    monkeypatch.setattr("verwijzing.gateway.limits.door_of", lambda request: WEBHOOKS_OF_TWO)
    client = await aiohttp_client(init_app(config))
    answers = [await client.post("/webhooks/voice", data={}) for _ in range(4)]
    assert [a.status for a in answers[2:]] == [200, 200]
    said = ET.fromstring(await answers[2].text())
    assert [(e.tag, e.get("voice")) for e in said] == [("Say", VOICE), ("Hangup", None)]
    assert said.find("Say").text == TOO_MANY
    assert [e.tag for e in ET.fromstring(await answers[3].text())] == ["Hangup"]


class _FailingCounter:
    async def hit(self, key: str) -> int:
        raise ConnectionError("redis is down")


async def test_when_the_counter_does_not_answer_requests_go_through(aiohttp_client, config, monkeypatch):
    monkeypatch.setattr("verwijzing.gateway.app.MemoryCounter", _FailingCounter)
    client = await aiohttp_client(init_app(config))
    response = await client.get("/bronnen")
    assert response.status == 200
    assert (await client.get("/health")).status != 500
