"""A whole phone call with the keypad only, through the real gateway (aiohttp test client over
init_app) and the real Rasa and action servers: from the first webhook to a booked block.

The caller hears only the spoken text and presses keys: a menu key is found in what was said
("Druk 2 voor online, …"), free numbers are typed as digits. No SpeechResult is ever sent.
Prints the call, one line per turn, and the number of keypad turns to a booked block."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from sqlalchemy import text as sql
from twilio.request_validator import RequestValidator

from tests.conversation.stack import TOKEN, running_stack
from tests.support.database import valid_insz
from verwijzing.booking import BookingService
from verwijzing.config import settings
from verwijzing.gateway import init_app
from verwijzing.gateway.identity import caller_id
from verwijzing.store import make_engine

pytestmark = pytest.mark.rasa
DAY = "2027-02-01"
TWILIO_TOKEN = "voice-e2e-twilio-token"
BASE = "https://loopbaan.example"
CALLER = "+32471998877"
INSZ = valid_insz(dt.date(1983, 4, 12), 57)
# What was never to be read aloud on the phone.
NOT_SPOKEN = ("http", "www", ".be/", "€")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("voice")
    with running_stack(tmp, VERWIJZING_PEILDATUM=DAY) as (rasa, actions):
        yield rasa, actions


def key_for(option: str, text: str) -> str:
    """The key the caller hears for an option: "Druk 2 voor online, met video." → "2"."""
    match = re.search(rf"Druk (\d) (?:voor |als je ){option}", text, re.IGNORECASE)
    assert match, f"no key for {option!r} in: {text}"
    return match.group(1)


# What a caller presses for each question they hear: (words in the question, keys).
ANSWERS = [
    ("Waarmee wil je hulp", lambda t: key_for("iets anders", t)),
    ("Werk je nu", lambda t: key_for("voor een werkgever", t)),
    ("In welke gemeente woon je", lambda t: "9000"),
    ("Hoeveel jaar heb je in totaal al gewerkt", lambda t: "12"),
    ("loopbaancheque gebruikt", lambda t: key_for("nee", t)),
    ("loopbaankrediet gebruikt", lambda t: key_for("nog geen", t)),
    ("Hoe oud ben je", lambda t: "41"),
    ("Wat is je hoogste diploma", lambda t: key_for("geen diploma", t)),
    # The offer lists the first free moment of each way of meeting; this caller wants video.
    ("Wil je meteen een eerste", lambda t: key_for(r"[^.]*online", t)),
    ("Deze momenten zijn vrij", lambda t: "1"),
    ("Wat is je gsm-nummer", lambda t: "0471998877"),
    ("Wat is je rijksregisternummer", lambda t: INSZ),
]


def keys_for(text: str) -> str:
    # The last question in what was said is the one that waits for an answer.
    asked = max(((text.rfind(words), answer) for words, answer in ANSWERS if words in text),
                key=lambda found: found[0], default=None)
    assert asked, f"the caller does not know what to press after: {text}"
    return asked[1](text)


def gateway(stack):
    rasa, actions = stack
    return init_app(dataclasses.replace(
        settings(), database_url=actions.env["DATABASE_URL"], rasa_url=rasa.base, rasa_auth_token=TOKEN,
        action_server_url=actions.url, twilio_auth_token=TWILIO_TOKEN, public_base_url=BASE,
        channel_secret=b"voice-e2e-channel-secret", insz_pepper=b"test-pepper"))


class Call:
    """One phone call as Twilio makes it: signed form posts to the URLs the TwiML gave."""

    def __init__(self, client, caller: str, call_sid: str):
        self.client = client
        self.fields = {"AccountSid": "AC" + "0" * 32, "CallSid": call_sid, "From": caller, "To": "+3293000001",
                       "CallStatus": "in-progress", "Direction": "inbound", "ApiVersion": "2010-04-01"}

    async def webhook(self, url: str, **extra: str) -> ET.Element:
        path = url.removeprefix(BASE)
        fields = {**self.fields, **extra}
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(BASE + path, fields)
        response = await self.client.post(path, data=urlencode(fields), headers={
            "X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"})
        assert response.status == 200, await response.text()
        return ET.fromstring(await response.text())


def heard(root: ET.Element) -> str:
    return " ".join(s.text or "" for s in root.iter("Say"))


async def test_a_keypad_only_call_books_a_block(stack, aiohttp_client):
    _, actions = stack
    database_url = actions.env["DATABASE_URL"]
    call = Call(await aiohttp_client(gateway(stack)), CALLER, "CA" + "e" * 32)
    webhook = call.webhook

    root = await webhook(f"{BASE}/webhooks/voice")
    said = [heard(root)]
    pressed: list[str] = []
    while "Je afspraak staat vast" not in said[-1]:
        assert len(pressed) < 20, "\n".join(said)
        gather = root.find("Gather")
        assert gather is not None and gather.get("input") == "dtmf speech", said[-1]
        keys = keys_for(said[-1])
        if len(keys) == 1:
            # One key answers at once on a menu; a free number is ended with "#" (Twilio strips it).
            assert gather.get("numDigits") == "1" or gather.get("finishOnKey") == "#", said[-1]
        else:
            assert gather.get("numDigits") is None and gather.get("finishOnKey") == "#", said[-1]
        pressed.append(keys)
        root = await webhook(gather.get("action"), Digits=keys)
        said.append(heard(root))

    print("\nkeypad call, one turn per line (what was heard, then the keys pressed):")
    for number, (text, keys) in enumerate(zip(said, pressed + ["(booked)"], strict=True), start=1):
        print(f"  {number:2}. {text}\n      → {keys}")
    print(f"keypad turns to a booked block: {len(pressed)}")

    for text in said:
        assert not any(word in text for word in NOT_SPOKEN), text
    spelled = re.search(r"Je referentie is L K ((?:[2-9A-Z] ){3}[2-9A-Z])\b", said[-1])
    assert spelled, said[-1]
    reference = "LK-" + spelled.group(1).replace(" ", "")
    service = BookingService.from_settings(database_url)
    try:
        booking = service.show(reference)
    finally:
        service.close()
    assert booking is not None
    assert (booking.as_dict()["status"], booking.as_dict()["channel"], booking.as_dict()["modality"]) == (
        "confirmed", "voice", "online")
    assert len(pressed) <= 12


async def test_star_silence_a_miss_and_hidden_numbers_on_the_real_stack(stack, aiohttp_client):
    client = await aiohttp_client(gateway(stack))
    call = Call(client, "+32471000111", "CA" + "f" * 32)
    first = await call.webhook(f"{BASE}/webhooks/voice")
    assert "Waarmee wil je hulp?" in heard(first)
    # Each step follows the URLs of the reply before it, as Twilio does (each is taken once).
    again = await call.webhook(first.find("Gather").get("action"), Digits="*")
    assert heard(again) == heard(first)
    silent = await call.webhook(again.find("Redirect").text)
    assert heard(silent).startswith("Ik hoorde niets. Waarmee wil je hulp?")
    assert "Hallo" not in heard(silent)
    # A key that is no choice: asked in other words, still with keys for the answers.
    missed = await call.webhook(silent.find("Gather").get("action"), Digits="9")
    assert "Sorry" in heard(missed) and "Druk 1 " in heard(missed), heard(missed)
    # Two callers without a number each get their own conversation: the second is greeted.
    one = Call(client, "anonymous", "CA" + "1" * 32)
    other = Call(client, "anonymous", "CA" + "2" * 32)
    greeted = await one.webhook(f"{BASE}/webhooks/voice")
    await one.webhook(greeted.find("Gather").get("action"), Digits="1")
    assert heard(await other.webhook(f"{BASE}/webhooks/voice")).startswith("Hallo!")


async def test_a_caller_erases_the_conversation_by_voice_and_keypad_and_is_greeted_anew(stack, aiohttp_client):
    _, actions = stack
    client = await aiohttp_client(gateway(stack))
    caller = "+32471000222"
    call = Call(client, caller, "CA" + "9" * 32)
    first = await call.webhook(f"{BASE}/webhooks/voice")
    second = await call.webhook(first.find("Gather").get("action"), Digits=key_for("iets anders", heard(first)))
    sender = caller_id("voice", caller, b"voice-e2e-channel-secret")
    assert stored_events(actions.env["DATABASE_URL"], sender) > 0
    asked = await call.webhook(second.find("Gather").get("action"), SpeechResult="wis mijn gesprek")
    assert "Wil je dit gesprek wissen?" in heard(asked)
    done = await call.webhook(asked.find("Gather").get("action"), Digits="1")
    assert heard(done).startswith("Je gesprek is gewist.")
    assert stored_events(actions.env["DATABASE_URL"], sender) == 0
    # Calling again from the same number: a new conversation, not "welkom terug".
    again = await Call(client, caller, "CA" + "8" * 32).webhook(f"{BASE}/webhooks/voice")
    assert heard(again).startswith("Hallo!")


def stored_events(database_url: str, sender: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sql("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
    finally:
        engine.dispose()
