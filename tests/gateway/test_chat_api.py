"""The web chat's JSON API through real HTTP, with Rasa down: what the page gets when people or
browsers send something wrong, and how the conversation id is handed out (never chosen by the
browser). The turns themselves go through the real stack in tests/conversation/test_channels_e2e.py."""
from __future__ import annotations

import dataclasses

import pytest

from tests.support.gateway import offline_settings
from verwijzing.gateway import init_app
from verwijzing.gateway.identity import COOKIE, cookie_value, new_web_id, web_id_from_cookie


@pytest.fixture
def config(db, monkeypatch):
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "chat-test-secret")
    return offline_settings(db)


async def test_a_message_that_is_not_json_is_a_plain_415(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    response = await client.post("/chat", data="message=hallo",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 415
    assert "JSON" in (await response.json())["error"]


@pytest.mark.parametrize("body, says", [
    ('{"message": ""}', "leeg"),
    ('{"message": "   "}', "leeg"),
    ('{"message": 12}', "leeg"),
    ('["hallo"]', "leeg"),
    ('{"message": "' + "a" * 1001 + '"}', "te lang"),
    ('{"message": "hallo"', "JSON"),
])
async def test_bad_messages_get_a_plain_dutch_400(aiohttp_client, config, body, says):
    client = await aiohttp_client(init_app(config))
    response = await client.post("/chat", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert says in (await response.json())["error"]


async def test_when_the_assistant_is_down_the_page_hears_it_plainly(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    response = await client.post("/chat", json={"message": "hallo"})
    assert response.status == 503
    assert "antwoordt nu even niet" in (await response.json())["error"]


async def test_a_new_visitor_has_no_conversation_yet(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    response = await client.get("/chat")
    assert response.status == 200
    assert await response.json() == {"messages": []}


@pytest.mark.parametrize("planted", [
    "sms-somebody-elses-conversation",
    "web-" + "A" * 32,  # the right shape, chosen by someone else: fixation
    "web-" + "A" * 32 + ".bm90IG91cnM",  # with a seal that is not ours
    "web-" + "A" * 32 + ".é",
])
async def test_an_id_the_gateway_did_not_issue_is_not_used(aiohttp_client, config, planted):
    client = await aiohttp_client(init_app(config))
    client.session.cookie_jar.update_cookies({COOKIE: planted})
    response = await client.get("/chat")
    assert await response.json() == {"messages": []}  # not looked up: Rasa is down, yet no 503


def test_an_issued_id_is_read_back_and_only_with_our_secret():
    web_id = new_web_id()
    value = cookie_value(web_id, b"ours")
    assert web_id_from_cookie(value, b"ours") == web_id
    assert web_id_from_cookie(value, b"theirs") is None


async def test_erasing_gives_a_new_httponly_strict_cookie(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    response = await client.post("/chat/wis", json={})
    assert response.status == 200
    cookie = response.cookies[COOKIE]
    assert cookie.value.startswith("web-") and len(cookie.value.split(".")[0]) == 36
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"]  # http://localhost; https public addresses get Secure
    again = await client.post("/chat/wis", json={})
    assert again.cookies[COOKIE].value != cookie.value


async def test_on_https_the_cookie_is_secure_and_host_only(aiohttp_client, config):
    client = await aiohttp_client(init_app(dataclasses.replace(config, public_base_url="https://loopbaan.example")))
    response = await client.post("/chat/wis", json={})
    cookie = response.cookies["__Host-" + COOKIE]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


def test_references_of_an_earlier_session_are_hidden_from_the_page():
    from verwijzing.gateway.assistant import HIDDEN_REFERENCE, transcript
    events = [{"event": "user", "text": "annuleer LK-7K3P"},
              {"event": "bot", "text": "Je afspraak LK-7K3P is geannuleerd."},
              {"event": "session_started"},
              {"event": "user", "text": "hallo"},
              {"event": "bot", "text": "Je referentie is LK-9ABC."}]
    lines = [line["text"] for line in transcript(events)]
    assert lines == [f"annuleer {HIDDEN_REFERENCE}", f"Je afspraak {HIDDEN_REFERENCE} is geannuleerd.", "hallo",
                     "Je referentie is LK-9ABC."]
