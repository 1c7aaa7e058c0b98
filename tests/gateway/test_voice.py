"""The phone line, `POST /webhooks/voice`, through real HTTP: the gateway in the aiohttp test client,
requests signed exactly as Twilio signs them, and in place of Rasa a tiny aiohttp server that
answers like the project's Rasa channel (`verwijzing_rasa.channel`) and its tracker endpoint.
The full keypad call through the real stack is tests/conversation/test_voice_e2e.py."""
from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from verwijzing.config import settings
from verwijzing.gateway import init_app, twilio_local
from verwijzing.gateway.twiml import LANGUAGE, VOICE
from verwijzing.gateway.voice.webhook import asks_to_erase
from verwijzing.store.models import ErasedConversation

TOKEN = "voice-test-auth-token"
BASE = "https://loopbaan.example"
HANDOFF = "+3293000000"
CALLER = "+32470123456"

@pytest.fixture
async def client(aiohttp_client, rasa, db):
    config = dataclasses.replace(
        settings(), database_url=str(db.url.render_as_string(hide_password=False)), rasa_url=rasa.url,
        rasa_auth_token="rasa-token", twilio_auth_token=TOKEN, public_base_url=BASE,
        channel_secret=b"voice-test-channel-secret", handoff_number=HANDOFF)
    return await aiohttp_client(init_app(config))


def call_fields(call_sid: str = "CA" + "1" * 32, caller: str = CALLER, **extra: str) -> dict[str, str]:
    """The fields Twilio's Voice webhook posts (verwijzing.gateway.twilio_local: one definition)."""
    return twilio_local.call_fields(call_sid, caller, **extra)


async def post(client, fields: dict[str, str], query: str = "", *, token: str = TOKEN, sign: bool = True):
    path = "/webhooks/voice" + (f"?{query}" if query else "")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sign:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(BASE + path, fields)
    return await client.post(path, data=urlencode(fields), headers=headers)


async def twiml(client, fields: dict[str, str], query: str = "") -> ET.Element:
    response = await post(client, fields, query)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/xml"
    return ET.fromstring(await response.text())


def spoken(root: ET.Element) -> str:
    return " ".join(say.text or "" for say in root.iter("Say"))


class Call:
    """One call as Twilio makes it: the first webhook, then signed posts to the URLs each reply
    gave (the Gather's action when a key or a word was heard, the Redirect after a silence)."""

    def __init__(self, client, call_sid: str = "CA" + "1" * 32, caller: str = CALLER):
        self.client, self.call_sid, self.caller = client, call_sid, caller
        self.last: ET.Element | None = None

    async def _to(self, url: str, **extra: str) -> ET.Element:
        self.last = await self.send(url, **extra)
        return self.last

    async def send(self, url: str, **extra: str) -> ET.Element:
        """A signed request to `url` from this call, as a replay would send it (not followed)."""
        path = url.removeprefix(BASE)
        fields = call_fields(self.call_sid, self.caller, **extra)
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(BASE + path, fields)}
        response = await self.client.post(path, data=urlencode(fields), headers=headers)
        assert response.status == 200, await response.text()
        return ET.fromstring(await response.text())

    async def start(self) -> ET.Element:
        return await self._to(f"{BASE}/webhooks/voice")

    async def press(self, digits: str) -> ET.Element:
        return await self._to(self.last.find("Gather").get("action"), Digits=digits)

    async def say(self, speech: str) -> ET.Element:
        return await self._to(self.last.find("Gather").get("action"), SpeechResult=speech, Confidence="0.91")

    async def silence(self) -> ET.Element:
        return await self._to(self.last.find("Redirect").text)


async def test_unsigned_and_badly_signed_calls_get_403(client, rasa):
    assert (await post(client, call_fields(), sign=False)).status == 403
    assert (await post(client, call_fields(), token="another-token")).status == 403
    # The signature covers the fields: a changed digit is another request.
    fields = call_fields(Digits="1")
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(BASE + "/webhooks/voice", fields)}
    response = await client.post("/webhooks/voice", data=urlencode({**fields, "Digits": "0"}), headers=headers)
    assert response.status == 403
    assert rasa.received == []


STEP_URL = re.compile(re.escape(f"{BASE}/webhooks/voice?") + r"(stap=[a-z]+(?:&keer=\d+)?)&beurt=[A-Za-z0-9_-]{22}")


async def test_a_new_call_greets_and_asks_inside_a_dutch_gather(client, rasa):
    root = await Call(client).start()
    assert [child.tag for child in root] == ["Gather", "Redirect"]
    gather = root.find("Gather")
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "nl-BE"
    assert gather.get("method") == "POST"
    # Both URLs carry one new step id (a replayed request is answered once).
    action, redirect = STEP_URL.fullmatch(gather.get("action")), STEP_URL.fullmatch(root.find("Redirect").text)
    assert action and action.group(1) == "stap=antwoord"
    assert redirect and redirect.group(1) == "stap=stilte&keer=1"
    assert gather.get("action").split("beurt=")[1] == root.find("Redirect").text.split("beurt=")[1]
    # A menu without a free answer: one key answers at once.
    assert gather.get("numDigits") == "1"
    says = gather.findall("Say")
    assert says and all(s.get("language") == LANGUAGE == "nl-BE" and s.get("voice") == VOICE for s in says)
    text = spoken(root)
    assert text.startswith("Hallo! Ik ben de digitale assistent.")
    assert "Druk 1 als je iets anders wil doen in je werk. Druk 2 als je werk zoekt." in text
    assert rasa.received == [{"sender": rasa.received[0]["sender"], "message": "/begroeting", "channel": "voice"}]


async def test_a_key_sends_what_its_button_sends_and_a_free_number_waits_for_the_hash(client, rasa):
    call = Call(client)
    await call.start()
    root = await call.press("2")
    assert rasa.received[-1]["message"] == "ik zoek werk"
    gather = root.find("Gather")
    assert gather.get("numDigits") is None and gather.get("finishOnKey") == "#"
    assert "Toets je leeftijd, en dan een hekje." in spoken(root)
    await call.press("34")
    assert rasa.received[-1]["message"] == "34"


async def test_speech_is_sent_as_said(client, rasa):
    call = Call(client)
    await call.start()
    await call.say("Ik wil ander werk.")
    assert rasa.received[-1]["message"] == "Ik wil ander werk."


async def test_star_repeats_the_last_reply_without_asking_rasa(client, rasa):
    call = Call(client)
    first = await call.start()
    sent = len(rasa.received)
    again = await call.press("*")
    assert spoken(again) == spoken(first)
    assert again.find("Gather").get("numDigits") == "1"
    assert len(rasa.received) == sent
    # Also for a free number: the question again, still waiting for "#".
    await call.press("1")
    age = await call.press("*")
    assert "Hoe oud ben je?" in spoken(age) and age.find("Gather").get("numDigits") is None


# "0" (a person, or a call back): tests/gateway/test_voice_handover.py.


async def test_silence_asks_once_more_then_offers_a_way_out_then_ends(client, rasa):
    call = Call(client)
    await call.start()
    sent = len(rasa.received)
    once = await call.silence()
    assert spoken(once).startswith("Ik hoorde niets. Waarmee wil je hulp?")
    assert STEP_URL.fullmatch(once.find("Redirect").text).group(1) == "stap=stilte&keer=2"
    way_out = await call.silence()
    assert "0800 30 700" in spoken(way_out) and "Druk dan 0" in spoken(way_out)
    assert way_out.find("Gather").get("numDigits") == "1"
    assert STEP_URL.fullmatch(way_out.find("Redirect").text).group(1) == "stap=stilte&keer=3"
    end = await call.silence()
    assert end.find("Gather") is None and end.find("Redirect") is None
    assert end[-1].tag == "Hangup"
    assert len(rasa.received) == sent  # silence is never sent to the assistant as a message


@pytest.mark.parametrize("hidden", ["anonymous", "+266696687", "+7378742833", "+2562533", "+8656696", ""])
async def test_anonymous_callers_never_share_a_conversation(client, rasa, hidden):
    one = Call(client, "CA" + "a" * 32, caller=hidden)
    await one.start()
    await Call(client, "CA" + "b" * 32, caller=hidden).start()
    first, second = rasa.received[0]["sender"], rasa.received[1]["sender"]
    assert first != second
    # One anonymous call keeps its own conversation from turn to turn.
    await one.press("1")
    assert rasa.received[-1]["sender"] == first


async def test_a_caller_is_known_by_a_keyed_hash_of_the_number_and_goes_on_where_the_line_dropped(client, rasa):
    call = Call(client, "CA" + "c" * 32)
    await call.start()
    await call.press("1")
    sender = rasa.received[0]["sender"]
    assert sender.startswith("voice-") and "470123456" not in sender
    # The line drops; the same number calls again: the open question, not the greeting.
    root = await Call(client, "CA" + "d" * 32).start()
    assert spoken(root).startswith("Welkom terug.")
    assert "Hoe oud ben je?" in spoken(root)
    assert [m["message"] for m in rasa.received] == ["/begroeting", "ik wil iets anders doen"]


async def test_when_the_assistant_is_down_the_caller_reaches_a_person(client, rasa):
    rasa.down = True
    root = await Call(client).start()
    assert root.find("Dial").text == HANDOFF
    assert "antwoordt nu even niet" in spoken(root)


async def test_a_reply_that_asks_nothing_tells_the_caller_it_is_their_turn(client, rasa):
    call = Call(client)
    await call.start()
    await call.press("1")
    await call.press("34")
    root = await call.press("1")
    assert spoken(root) == ("Dat is alles. Heb je nog een vraag? Zeg ze maar. Of druk 0 om met een mens te praten. "
                            "Je dossiercode horen? Druk 8. Wil je dit gesprek wissen? Druk dan 9.")
    assert root.find("Gather").get("numDigits") == "1"


async def test_a_status_report_of_an_ended_call_starts_nothing(client, rasa):
    root = await twiml(client, call_fields(CallStatus="completed"))
    assert list(root) == []
    assert rasa.received == []


async def test_without_a_channel_secret_the_caller_reaches_a_person(aiohttp_client, rasa, db):
    config = dataclasses.replace(
        settings(), database_url=str(db.url.render_as_string(hide_password=False)), rasa_url=rasa.url,
        twilio_auth_token=TOKEN, public_base_url=BASE, channel_secret=b"", handoff_number=HANDOFF)
    client = await aiohttp_client(init_app(config))
    root = await twiml(client, call_fields())
    assert root.find("Dial").text == HANDOFF
    assert rasa.received == []


# --- replays ------------------------------------------------------------------------------------

async def test_a_replayed_step_is_answered_once_and_sends_nothing(client, rasa):
    call = Call(client)
    await call.start()
    action = call.last.find("Gather").get("action")
    await call.press("1")
    sent = len(rasa.received)
    # The same signed request again (captured on the way, or sent twice): nothing reaches Rasa.
    replayed = await call.send(action, Digits="1")
    assert list(replayed) == []
    assert len(rasa.received) == sent
    # The caller's own next step still works: its reply gave a new step id.
    assert "Werk je nu?" in spoken(await call.press("34"))


async def test_a_replayed_call_start_and_a_step_without_its_id_do_nothing(client, rasa):
    await Call(client).start()
    assert list(await twiml(client, call_fields())) == []
    # A step URL we never gave (no step id, or one of another shape): signed, but not ours.
    assert list(await twiml(client, call_fields(Digits="1"), "stap=antwoord")) == []
    assert list(await twiml(client, call_fields(Digits="1"), "stap=antwoord&beurt=kort")) == []
    assert [m["message"] for m in rasa.received] == ["/begroeting"]


async def test_two_gateways_take_a_step_id_once(aiohttp_client, rasa, db):
    """The ids are kept in the database: a replay sent to the other gateway is refused too."""
    config = dataclasses.replace(
        settings(), database_url=str(db.url.render_as_string(hide_password=False)), rasa_url=rasa.url,
        rasa_auth_token="rasa-token", twilio_auth_token=TOKEN, public_base_url=BASE,
        channel_secret=b"voice-test-channel-secret", handoff_number=HANDOFF)
    one, other = await aiohttp_client(init_app(config)), await aiohttp_client(init_app(config))
    call = Call(one)
    await call.start()
    action = call.last.find("Gather").get("action")
    await call.press("2")
    sent = len(rasa.received)
    call.client = other
    assert list(await call.send(action, Digits="2")) == []
    assert len(rasa.received) == sent


# --- erasing by phone ---------------------------------------------------------------------------

def erased(db, sender: str) -> bool:
    """Whether the conversation was erased: erase_conversation leaves its tombstone (and removes
    the events and links, tests/privacy/test_erase.py)."""
    with Session(db) as session:
        return session.get(ErasedConversation, sender) is not None


async def _call_at_the_end(client) -> Call:
    call = Call(client)
    await call.start()
    await call.press("1")
    await call.press("34")
    await call.press("1")  # "Dat is alles. … Wil je dit gesprek wissen? Druk dan 9."
    return call


async def test_nine_at_the_end_asks_first_and_one_erases_the_conversation(client, rasa, db):
    call = await _call_at_the_end(client)
    sender = rasa.received[0]["sender"]
    asked = await call.press("9")
    assert "Wil je dit gesprek wissen?" in spoken(asked) and "Een afspraak blijft wel staan." in spoken(asked)
    assert STEP_URL.fullmatch(asked.find("Gather").get("action")).group(1) == "stap=wissen"
    assert not erased(db, sender)  # asking erases nothing
    done = await call.press("1")
    assert spoken(done) == "Je gesprek is gewist. Een afspraak blijft wel staan. Dag!"
    assert done[-1].tag == "Hangup"
    assert erased(db, sender)


async def test_two_at_the_erase_question_goes_on_where_the_caller_was(client, rasa, db):
    call = await _call_at_the_end(client)
    await call.press("9")
    sent = len(rasa.received)
    back = await call.press("2")
    assert spoken(back).startswith("Goed, we wissen niets. Dat is alles.")
    assert len(rasa.received) == sent


async def test_saying_wis_mijn_gesprek_asks_at_any_question(client, rasa, db):
    call = Call(client)
    await call.start()
    await call.press("1")  # "Hoe oud ben je?": a free number, where 9 is an answer
    sent = len(rasa.received)
    asked = await call.say("Wis mijn gesprek.")
    assert "Wil je dit gesprek wissen?" in spoken(asked)
    assert len(rasa.received) == sent  # never sent to the assistant as an answer
    back = await call.say("nee")
    assert "Hoe oud ben je?" in spoken(back)
    # 9 while a number is asked is the number, not the erase key.
    await call.press("9")
    assert rasa.received[-1]["message"] == "9"


@pytest.mark.parametrize(("said", "erase"), [
    ("wis mijn gesprek", True), ("Alles wissen.", True), ("verwijder mijn gegevens", True),
    ("ik wil mijn gesprek niet wissen", False), ("ik heb een gesprek gehad", False), ("wissen", False)])
def test_what_counts_as_asking_to_erase(said, erase):
    assert asks_to_erase(said) is erase


def test_every_question_the_phone_asks_to_end_with_the_hash_waits_for_it():
    # One source each: the voice question says "en dan een hekje", so its Gather must wait for
    # "#" (a six-digit SMS code taken one key at a time would be lost).
    import yaml

    from verwijzing.gateway.voice.webhook import FREE_NUMBER_SLOTS
    root = Path(__file__).resolve().parents[2]
    hashed = set()
    for path in (root / "bot").glob("*.yml"):
        for name, variations in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            if name.startswith("utter_ask_") and any(v.get("channel") == "voice" and "hekje" in v.get("text", "")
                                                     for v in variations):
                hashed.add(name.removeprefix("utter_ask_"))
    assert "sms_code" in hashed and hashed <= FREE_NUMBER_SLOTS
