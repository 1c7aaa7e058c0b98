"""The public gateway in front of the real Rasa and action servers: a whole SMS intake and booking
with numbers typed as answers, and the web chat's JSON API (a turn, the conversation after a
reload, and "Wis mijn gesprek" erasing it from Rasa's store)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from tests.conversation.stack import TOKEN, running_stack
from tests.gateway.twilio_requests import BASE, signed, sms_fields
from tests.gateway.twilio_requests import TOKEN as TWILIO_TOKEN
from tests.support.database import valid_insz
from tests.support.spellings import PHONES_SPELLED, SPELLED
from verwijzing.booking import BookingService
from verwijzing.config import settings
from verwijzing.gateway import init_app
from verwijzing.gateway.identity import COOKIE
from verwijzing.gateway.keys import SETTINGS
from verwijzing.gateway.sms.text import MAX_SEGMENTS, fits_gsm7, segments
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing_rasa.pii import digits

pytestmark = pytest.mark.rasa
DAY = "2027-02-01"
SECRET = "channels-e2e-secret"
PHONE = "+32470123456"
INSZ = valid_insz(dt.date(1985, 7, 30), 33)
# Every answer a number where the question offers numbered choices; the rest as people type it.
# "1" after 12 years: no hours of the credit used yet; the decision's offer lists the moments.
SMS_ANSWERS = ["hallo", "1", "1", "9000", "12", "1", "2", "2", "0470 12 34 56", INSZ]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("channels")
    with running_stack(tmp, VERWIJZING_PEILDATUM=DAY) as (rasa, actions):
        yield rasa, actions, f"sqlite:///{tmp / 'verwijzing.db'}"


@pytest.fixture
def config(stack, monkeypatch):
    rasa, actions, database_url = stack
    monkeypatch.setenv("VERWIJZING_INSZ_PEPPER", "test-pepper")  # as the action server's
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", SECRET)
    return dataclasses.replace(settings(), database_url=database_url, rasa_url=rasa.base, rasa_auth_token=TOKEN,
                               action_server_url=actions.url, twilio_auth_token=TWILIO_TOKEN, public_base_url=BASE)


@pytest.fixture
async def gateway(config):
    """The gateway as Twilio reaches it (signatures over the https public address)."""
    async with TestClient(TestServer(init_app(config))) as client:
        yield client


@pytest.fixture
async def web(config):
    """The gateway as a browser on this machine reaches it: over http, so its cookie is not Secure."""
    app = init_app(dataclasses.replace(config, public_base_url="http://localhost:8080"))
    async with TestClient(TestServer(app)) as client:
        yield client


async def sms(client, body: str, n: int, sender: str = PHONE) -> list[str]:
    fields = sms_fields(body, sender, n)
    response = await client.post("/webhooks/sms", data=fields, headers=signed("/webhooks/sms", fields))
    assert response.status == 200 and response.content_type == "application/xml"
    return [m.text or "" for m in ET.fromstring(await response.text()).findall("Message")]


async def test_by_sms_from_hallo_to_a_booked_block_with_numbers(gateway, stack):
    _, _, database_url = stack
    turns = []
    for n, answer in enumerate(SMS_ANSWERS):
        turns.append(await sms(gateway, answer, n))
        assert turns[-1], f"no answer to {answer!r}"
    sent = [m for turn in turns for m in turn]
    print(f"\nSMS turns to a booked block: {len(SMS_ANSWERS)}; longest SMS: "
          f"{max(segments(m) for m in sent)} segments; most SMS in one turn: {max(len(t) for t in turns)}")
    assert all(segments(m) <= MAX_SEGMENTS and fits_gsm7(m) for m in sent)
    assert "1. Ik wil iets anders doen in mijn werk" in turns[0][-1]  # buttons became numbered lines
    assert any("25 euro per uur" in m for m in turns[6])  # "2" = diploma middelbaar, the decision
    confirmation = "\n".join(turns[-1])
    assert "Je afspraak staat vast" in confirmation
    reference = confirmation.split("Je referentie is ")[1][:7]
    service = BookingService(make_sessionmaker(make_engine(database_url)), pepper=b"test-pepper")
    booking = service.show(reference)
    assert booking is not None and booking.channel.value == "sms"
    # "2" booked the second moment offered with the decision (which one depends on the time of day).
    offered = next(line for m in turns[6] for line in m.splitlines() if line.startswith("2. "))
    assert booking.counsellor in offered and f" {booking.starts_at.day} " in offered, (offered, booking)
    assert INSZ not in confirmation
    # The conversation's id is a keyed hash: the number is nowhere in Rasa's store, not even as an id.
    with make_engine(database_url).connect() as connection:
        ids = connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars().all()
    assert any(i.startswith("sms-") for i in ids) and not any("470123456" in i for i in ids)
    # The confirmation SMS leaves through the outbox: `make run`'s dispatcher, in local mode.
    log = Path(database_url.removeprefix("sqlite:///")).with_name("sms-outbox.log")
    env = {**os.environ, "DATABASE_URL": database_url, "VERWIJZING_CHANNEL_SECRET": SECRET,
           "VERWIJZING_SMS_MODE": "local", "VERWIJZING_SMS_LOG": str(log)}
    done = subprocess.run([Path(sys.executable).with_name("verwijzing"), "sms-dispatch", "--once"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["sms"]["sent"] == 1, done.stderr
    written = log.read_text()
    assert reference in written and "…56" in written and "470123456" not in written


async def test_a_number_that_is_no_choice_is_read_as_text_and_zero_reaches_a_person(gateway):
    other = "+32470555555"
    await sms(gateway, "hallo", 100, other)
    reply = "\n".join(await sms(gateway, "7", 101, other))  # 4 choices: "7" is not one of them
    assert "Sorry" in reply or "Typ" in reply or "Werk je" in reply
    person = "\n".join(await sms(gateway, "0", 102, other))
    assert "0800 30 700" in person


async def test_the_web_chat_keeps_and_erases_its_conversation(web, stack):
    gateway = web
    rasa, _, _ = stack
    first = await gateway.post("/chat", json={"message": "hallo"})
    assert first.status == 200
    replies = (await first.json())["messages"]
    assert replies[-1]["buttons"] and replies[-1]["buttons"][0]["payload"]
    sender = first.cookies[COOKIE].value.split(".")[0]  # the id, without its seal
    button = replies[-1]["buttons"][0]
    second = await gateway.post("/chat", json={"message": button["payload"]})
    assert second.status == 200 and "Werk je nu?" in (await second.json())["messages"][-1]["text"]
    # A reload: the page gets the conversation back, the pressed button shown by its title.
    history = (await (await gateway.get("/chat")).json())["messages"]
    assert [m["from"] for m in history][:1] == ["user"] and history[0]["text"] == "hallo"
    assert {"from": "user", "text": button["title"], "buttons": []} in history
    # "Wis mijn gesprek": gone from the page and from Rasa's store.
    erased = await gateway.post("/chat/wis", json={})
    assert erased.status == 200 and erased.cookies[COOKIE].value.split(".")[0] != sender
    assert (await (await gateway.get("/chat")).json()) == {"messages": []}
    assert not [e for e in rasa.tracker(sender)["events"] if e["event"] == "user"]
    engine = make_engine(os.environ.get("DATABASE_URL") or stack[2])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar() == 0


# --- issue 18, point 1: every spelling, through every door -----------------------------------

def voice_fields(call: str, speech: str) -> dict[str, str]:
    return {"AccountSid": "AC" + "0" * 32, "CallSid": call, "From": "+32470999000", "To": "+3293000001",
            "CallStatus": "in-progress", "Direction": "inbound", "ApiVersion": "2010-04-01",
            "SpeechResult": speech, "Confidence": "0.9"}


async def test_no_spelling_through_chat_sms_or_phone_is_kept_in_the_store_or_the_logs(gateway, web, stack):
    rasa, actions, database_url = stack
    numbers = [valid_insz(dt.date(1970, 1, 1) + dt.timedelta(days=40 * i), 11 + i) for i in range(len(SPELLED))]
    typed = [f"mijn rijksregisternummer is {spell(n)} en mijn gsm {phone}"
             for spell, n, phone in zip(SPELLED, numbers, PHONES_SPELLED, strict=True)]
    for i, message in enumerate(typed):
        door = i % 3
        if door == 0:  # the web chat, each its own browser
            cookie_free = init_app(dataclasses.replace(gateway.app[SETTINGS], public_base_url="http://localhost:8080"))
            async with TestClient(TestServer(cookie_free)) as browser:
                assert (await browser.post("/chat", json={"message": "hallo"})).status == 200
                assert (await browser.post("/chat", json={"message": message})).status == 200
        elif door == 1:  # an SMS from its own number
            sender = f"+3247055{i:04d}"
            await sms(gateway, "hallo", 900 + 2 * i, sender)
            await sms(gateway, message, 901 + 2 * i, sender)
        else:  # a phone call, as the speech recogniser writes it
            call, path = f"CA{i:032d}", "/webhooks/voice"
            for speech in ("", message):
                fields = {k: v for k, v in voice_fields(call, speech).items() if v or k != "SpeechResult"}
                response = await gateway.post(path, data=fields, headers=signed(path, fields))
                assert response.status == 200
                # The next step goes where the reply's Gather says (its URL carries a step id).
                action = ET.fromstring(await response.text()).find("Gather").get("action")
                path = action[action.index("/webhooks/"):]
    with make_engine(database_url).connect() as connection:
        stored = "\n".join(connection.execute(text("SELECT data FROM events")).scalars().all())
    logs = rasa.log.read_text() + actions.log.read_text()
    for number in numbers:
        assert number not in digits(stored) and number not in digits(logs), number
    assert "470123456" not in digits(stored)
    print(f"\n{len(typed)} spellings of a national number and a phone, through the chat, SMS and the phone: "
          "none in Rasa's events or the logs")
