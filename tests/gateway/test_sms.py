"""The SMS webhook through real HTTP on a real database: signatures, STOP / START / HELP, and the
plain answers that need no assistant (Rasa is down here). Whole conversations by SMS go through
the real stack in tests/conversation/test_channels_e2e.py."""
from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from multidict import MultiDict
from twilio.request_validator import RequestValidator

from tests.gateway.twilio_requests import BASE, TOKEN, signed, sms_fields
from tests.support.gateway import offline_settings
from verwijzing.gateway import init_app


@pytest.fixture
def config(db, monkeypatch):
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "sms-test-secret")
    return offline_settings(db, twilio_auth_token=TOKEN, public_base_url=BASE)


async def send(client, body: str, sender: str = "+32470123456", headers=None):
    fields = sms_fields(body, sender)
    headers = signed("/webhooks/sms", fields) if headers is None else headers
    response = await client.post("/webhooks/sms", data=fields, headers=headers)
    return response


def messages(xml: str) -> list[str]:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


@pytest.mark.parametrize("headers", [{}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
                                     signed("/webhooks/sms", sms_fields("iets anders"))])
async def test_unsigned_or_wrongly_signed_sms_is_refused(aiohttp_client, config, headers):
    client = await aiohttp_client(init_app(config))
    response = await send(client, "hallo", headers=headers)
    assert response.status == 403
    assert "Twilio" in await response.text()


async def test_a_signature_for_another_address_is_refused(aiohttp_client, config):
    """The signature covers the public address: one made for another host does not pass."""
    client = await aiohttp_client(init_app(dataclasses.replace(config, public_base_url="https://elders.example")))
    response = await send(client, "hallo")
    assert response.status == 403


async def test_without_an_auth_token_nothing_is_accepted(aiohttp_client, config):
    client = await aiohttp_client(init_app(dataclasses.replace(config, twilio_auth_token="")))
    fields = sms_fields("hallo")
    response = await client.post("/webhooks/sms", data=fields, headers=signed("/webhooks/sms", fields, token=""))
    assert response.status == 403


async def test_stop_then_silence_then_start(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    stopped = await send(client, "Stop")
    assert stopped.status == 200 and stopped.content_type == "application/xml"
    assert messages(await stopped.text()) == [
        "Je krijgt van ons geen sms meer. Wil je later toch verder? Stuur dan START."]
    # After STOP: no answer at all (not even that the assistant is down), and not for HELP either.
    assert messages(await (await send(client, "hallo")).text()) == []
    assert messages(await (await send(client, "HELP")).text()) == []
    # Another number is not affected.
    other = messages(await (await send(client, "help", sender="+32470999999")).text())
    assert other and "STOP" in other[0]
    started = messages(await (await send(client, "START")).text())
    assert started and "Welkom terug" in started[0]
    assert "niet" in messages(await (await send(client, "hallo")).text())[0]  # answered again (Rasa is down)


async def test_help_says_what_this_is_and_how_to_reach_a_person(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    [reply] = messages(await (await send(client, "help")).text())
    assert "0800 30 700" in reply and "STOP" in reply


async def test_an_empty_message_gets_a_plain_answer(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    [reply] = messages(await (await send(client, "  ")).text())
    assert "alleen tekst" in reply


async def test_when_the_assistant_is_down_the_texter_is_told(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    [reply] = messages(await (await send(client, "hallo")).text())
    assert "antwoordt nu even niet" in reply and "0800 30 700" in reply


# --- issue 18, point 4: Twilio as Twilio means it -------------------------------------------

async def test_a_replayed_message_is_answered_once(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    fields = sms_fields("help")
    first = await client.post("/webhooks/sms", data=fields, headers=signed("/webhooks/sms", fields))
    again = await client.post("/webhooks/sms", data=fields, headers=signed("/webhooks/sms", fields))
    assert first.status == again.status == 200
    assert messages(await first.text()) and messages(await again.text()) == []


async def test_a_captured_request_with_a_key_put_in_front_is_refused(aiohttp_client, config):
    # The signature of a real message, with "From" and "Body" of the attacker's choice in front:
    # the handler would read the first, the old check the last.
    client = await aiohttp_client(init_app(config))
    fields = sms_fields("help")
    body = urlencode({"From": "+32470999999", "Body": "annuleer LK-7K3P"}) + "&" + urlencode(fields)
    response = await client.post("/webhooks/sms", data=body, headers={
        **signed("/webhooks/sms", fields), "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 400 and "niet lezen" in await response.text()


async def test_the_signature_covers_every_value(aiohttp_client, config):
    fields = sms_fields("help")
    validator_fields = MultiDict(fields.items())
    validator_fields.add("Body", "annuleer LK-7K3P")
    assert RequestValidator(TOKEN).compute_signature(BASE + "/webhooks/sms", validator_fields) != \
        signed("/webhooks/sms", fields)["X-Twilio-Signature"]


@pytest.mark.parametrize("path", ["/webhooks/sms", "/webhooks/voice", "/staff/login"])
async def test_a_body_that_is_not_url_encoding_gets_a_plain_400(aiohttp_client, config, path):
    client = await aiohttp_client(init_app(config))
    response = await client.post(path, data=b"%%%&From=%ZZ&\xff=\xfe", headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"})
    assert 400 <= response.status < 500, await response.text()


async def test_wis_asks_first_and_wis_ja_erases_the_sms_conversation(aiohttp_client, config, db):
    # Issue 18: SMS users can erase too (the conversation's rows go; Rasa is down here, so the
    # stored conversation is faked in Rasa's own table).
    from sqlalchemy import text as sql

    from verwijzing.gateway.identity import caller_id
    client = await aiohttp_client(init_app(config))
    sender = caller_id("sms", "+32470123456", b"sms-test-secret")
    with db.begin() as connection:
        connection.execute(sql("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                               "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), "
                               "action_name VARCHAR(255), data TEXT)"))
        connection.execute(sql("INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                               "VALUES (1, :s, 'user', 1, '{}')"), {"s": sender})
    [asked] = messages(await (await send(client, "wis")).text())
    assert "WIS JA" in asked and "afspraak blijft" in asked
    [done] = messages(await (await send(client, "Wis ja")).text())
    assert "gewist" in done
    with db.begin() as connection:
        assert connection.execute(sql("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar() == 0
        connection.execute(sql("DROP TABLE events"))
