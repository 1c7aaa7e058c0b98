"""A person on the phone line (issue 20): "0" while a consulent is on duty puts the caller through
with `<Dial>` and a whisper of the case code, and the case is in the staff queue; when nobody is
there, or nobody picks up, the keypad asks for a call back. Real HTTP (signed as Twilio signs),
a real database; Rasa is the test's small stand-in (tests/gateway/conftest.py). The whole call
through the real Rasa is in tests/conversation/test_handover_e2e.py."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.gateway.test_voice import BASE, CALLER, HANDOFF, TOKEN, Call, spoken
from tests.support.database import dump_rows
from verwijzing.config import settings
from verwijzing.gateway import init_app
from verwijzing.staff.accounts import add_user
from verwijzing.store.case_models import Case
from verwijzing.store.models import OutboxMessage
from verwijzing.store.staff_models import StaffUser

SECRET = b"voice-test-channel-secret"
_SPELLED = re.compile(r"dossiercode is ((?:\w van \w+|\d)(?:, (?:\w van \w+|\d)){5})", re.IGNORECASE)


def code_of(spelled: str) -> str:
    """"H van Hendrik, K van Kilogram, 7, …" → "HK7…"."""
    return "".join(part.strip()[0] for part in spelled.split(","))


@pytest.fixture
async def line(aiohttp_client, rasa, db):
    config = dataclasses.replace(
        settings(), database_url=str(db.url.render_as_string(hide_password=False)), rasa_url=rasa.url,
        rasa_auth_token="rasa-token", twilio_auth_token=TOKEN, public_base_url=BASE,
        channel_secret=SECRET, handoff_number=HANDOFF, office_hours="ma-zo 00:00-24:00")
    return await aiohttp_client(init_app(config))


def available(db, *, until: dt.datetime | None) -> None:
    with Session(db) as session, session.begin():
        if session.scalar(select(StaffUser).where(StaffUser.login == "an.telefoon")) is None:
            add_user(session, "an.telefoon", "consulent", None, dt.datetime.now(dt.UTC))
        session.execute(update(StaffUser).values(available_until=until))


def cases(db) -> list[Case]:
    with Session(db) as session:
        return list(session.scalars(select(Case)))


async def test_zero_with_a_consulent_on_duty_puts_through_with_the_code_whispered(line, rasa, db):
    available(db, until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    call = Call(line)
    await call.start()
    sent = len(rasa.received)
    root = await call.press("0")
    said = spoken(root)
    assert "Ik verbind je door met een consulent van VDAB" in said
    tags = [child.tag for child in root]
    assert tags.index("Say") < tags.index("Dial") and root.find("Gather") is None
    # The conversation records the hand-over (the staff console lists who asked for a person).
    assert [m["message"] for m in rasa.received[sent:]] == ["/mens_spreken"]
    spelled = _SPELLED.search(said).group(1)
    code = code_of(spelled)
    (case,) = cases(db)
    assert (case.code, case.channel, case.status) == (code, "voice", "wacht")
    assert case.phone_sealed is None  # the consulent is on the line: no number is kept
    number = root.find("Dial/Number")
    assert number.text == HANDOFF
    # The consulent hears the code before the caller is connected: Twilio asks the whisper URL.
    whisper = await call.send(number.get("url"))
    assert f"Dossiercode {spelled}." in spoken(whisper)
    assert "wachtrij" in spoken(whisper)
    # The talk happened and nobody took the case in the console: it leaves the queue.
    ended = await call.send(root.find("Dial").get("action"), DialCallStatus="completed")
    assert ended.find("Hangup") is not None
    assert [c.status for c in cases(db)] == ["gesloten"]


async def test_nobody_picks_up_then_a_call_back_by_keypad(line, rasa, db):
    available(db, until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    call = Call(line, call_sid="CA" + "2" * 32)
    await call.start()
    root = await call.press("0")
    call.last = await call.send(root.find("Dial").get("action"), DialCallStatus="no-answer")
    said = spoken(call.last)
    assert "Er is nu geen consulent vrij" in said and "Druk 1 voor de voormiddag" in said
    assert call.last.find("Gather").get("numDigits") == "1"
    noted = await call.press("1")
    assert "belt je terug op een werkdag, in de voormiddag" in spoken(noted)
    assert noted.find("Hangup") is not None
    (case,) = cases(db)
    assert (case.status, case.daypart, case.channel) == ("terugbellen", "voormiddag", "voice")
    with Session(db) as session:
        sms = [m.body for m in session.scalars(select(OutboxMessage).where(OutboxMessage.to_number == CALLER))]
    assert sms == [f"VDAB belt je terug op een werkdag, in de voormiddag. Je dossiercode is {case.code}."]


async def test_outside_office_hours_zero_asks_for_a_call_back(line, rasa, db):
    available(db, until=None)  # nobody pressed "beschikbaar"
    call = Call(line, call_sid="CA" + "3" * 32)
    await call.start()
    sent = len(rasa.received)
    root = await call.press("0")
    assert root.find("Dial") is None
    assert [m["message"] for m in rasa.received[sent:]] == ["/mens_spreken"]  # recorded, as before
    assert "We kunnen je terugbellen" in spoken(root)
    again = await call.press("7")
    assert spoken(again).startswith("Druk 1 voor de voormiddag, 2 voor de namiddag")
    noted = await call.press("3")
    assert "in de voormiddag of de namiddag" in spoken(noted)


async def test_a_hidden_number_is_asked_typed_and_never_stored_readable(line, rasa, db):
    available(db, until=None)
    call = Call(line, call_sid="CA" + "4" * 32, caller="anonymous")
    await call.start()
    asked = await call.press("0")
    assert "Toets het nummer, en dan een hekje" in spoken(asked)
    assert asked.find("Gather").get("numDigits") is None and asked.find("Gather").get("finishOnKey") == "#"
    assert "Dat nummer ken ik niet" in spoken(await call.press("12"))
    assert "Druk 1 voor de voormiddag" in spoken(await call.press("0471223344"))
    assert "in de namiddag" in spoken(await call.press("2"))
    rows = dump_rows(db)  # the outbox holds the SMS until it is sent; the case only the sealed number
    assert "471223344" not in repr(rows["cases"]) and "471223344" not in repr(rows["case_messages"])


async def test_four_says_no_thanks_and_the_caller_goes_on_where_they_were(line, rasa, db):
    available(db, until=None)
    call = Call(line, call_sid="CA" + "5" * 32)
    await call.start()
    await call.press("0")
    back = await call.press("4")
    said = spoken(back)
    # The stand-in Rasa took "/mens_spreken" as an answer and asks the age: that question again.
    assert said.startswith("Goed. We bellen je niet terug.") and "Hoe oud ben je?" in said
    assert back.find("Gather") is not None
    assert [c.status for c in cases(db)] == ["gesloten"]


async def test_silence_while_asking_the_part_of_the_day_asks_once_more_then_ends_kindly(line, rasa, db):
    available(db, until=None)
    call = Call(line, call_sid="CA" + "6" * 32)
    await call.start()
    await call.press("0")
    assert spoken(await call.silence()).startswith("Druk 1 voor de voormiddag")
    gave_up = await call.silence()
    assert "0800 30 700" in spoken(gave_up) and gave_up.find("Hangup") is not None
    assert [c.status for c in cases(db)] == ["gesloten"]


async def test_a_whisper_request_not_signed_by_twilio_is_refused(line):
    response = await line.post("/webhooks/voice/fluister?code=HK7M3P", data={"CallSid": "CA" + "7" * 32})
    assert response.status == 403


async def test_every_call_has_its_case_and_8_says_the_code_spelled(line, rasa, db):
    call = Call(line, call_sid="CA" + "a" * 32)
    await call.start()
    (case,) = cases(db)
    assert (case.channel, case.status) == ("voice", "assistent")
    await call.press("1")
    await call.press("41")
    done = await call.press("1")
    assert "Je dossiercode horen? Druk 8." in spoken(done)
    heard = spoken(await call.press("8"))
    spelled = re.search(r"Je dossiercode is (.+?)\. Geef", heard).group(1)
    assert code_of(spelled) == case.code and "van" in spelled
    # Asking for a person later keeps the same code.
    available(db, until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    through = spoken(await call.press("0"))
    assert code_of(_SPELLED.search(through).group(1)) == case.code


async def test_a_second_call_back_the_same_day_does_not_promise_a_second_sms(line, rasa, db):
    available(db, until=None)
    for n, key in enumerate(("1", "2")):
        call = Call(line, call_sid="CA" + f"b{n}" * 16)
        await call.start()
        await call.press("0")
        noted = spoken(await call.press(key))
        assert ("Je krijgt ook een sms met die code." in noted) is (n == 0), noted
    with Session(db) as session:
        assert len(session.scalars(select(OutboxMessage).where(OutboxMessage.to_number == CALLER)).all()) == 1
