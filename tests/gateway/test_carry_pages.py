"""Going on on the web with a conversation begun by SMS (`/verder`), through real HTTP and a real
database: the one-time code goes by SMS to the conversation's phone, and only that code turns the
browser's conversation cookie into the SMS conversation. Whatever code is typed, the page says the
same; a wrong one-time code uses a try; a form from another site, a repeated key or a stray byte
gets a plain 4xx. Rasa is the stand-in of tests/gateway/conftest.py."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from verwijzing.config import settings
from verwijzing.enums import Channel
from verwijzing.gateway import init_app
from verwijzing.gateway.identity import cookie_name, web_id_from_cookie
from verwijzing.gateway.web.carry import SENT
from verwijzing.handover import queue
from verwijzing.privacy.sealed import seal
from verwijzing.store.models import OutboxMessage

SECRET = b"carry-pages-secret"
BASE = "https://loopbaan.example"
PHONE = "+32470123456"
SENDER = "sms-" + "c" * 40


@pytest.fixture
async def client(aiohttp_client, rasa, db):
    config = dataclasses.replace(
        settings(), database_url=str(db.url.render_as_string(hide_password=False)), rasa_url=rasa.url,
        rasa_auth_token="rasa-token", public_base_url=BASE, channel_secret=SECRET)
    return await aiohttp_client(init_app(config))


@pytest.fixture
def code(db) -> str:
    with Session(db) as session, session.begin():
        return queue.ensure_case(session, SENDER, Channel.SMS, dt.datetime.now(dt.UTC), seal(PHONE, SECRET)).code


def texts_to(db, phone: str) -> list[str]:
    with Session(db) as session:
        return list(session.scalars(select(OutboxMessage.body).where(OutboxMessage.to_number == phone)))


async def test_the_code_by_sms_carries_the_sms_conversation_to_this_browser(client, rasa, db, code):
    page = await client.get("/verder")
    assert page.status == 200 and "Verder met je sms-gesprek" in await page.text()
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    sent = await client.post("/verder", data={"code": code.lower()})
    assert sent.status == 200 and SENT in await sent.text()
    (text,) = texts_to(db, PHONE)
    digits = re.search(r"\b(\d{6})\b", text).group(1)
    wrong = await client.post("/verder/bevestig", data={"code": code, "cijfers": f"{(int(digits) + 1) % 10**6:06d}"})
    assert wrong.status == 400 and "Je kan nog 4 keer proberen." in await wrong.text()
    carried = await client.post("/verder/bevestig", data={"code": code, "cijfers": digits}, allow_redirects=False)
    assert carried.status == 303 and carried.headers["Location"] == "/"
    cookie = carried.cookies[cookie_name(True)]
    assert web_id_from_cookie(cookie.value, SECRET) == SENDER and cookie["httponly"] and cookie["secure"]
    # The chat page now shows the SMS conversation and goes on with it.
    rasa.events[SENDER] = [{"event": "user", "text": "hallo", "timestamp": 1.0},
                           {"event": "bot", "text": "Waarmee wil je hulp?", "timestamp": 2.0, "data": {}}]
    history = await client.get("/chat", headers={"Cookie": f"{cookie.key}={cookie.value}"})
    body = await history.json()
    assert [m["text"] for m in body["messages"]] == ["hallo", "Waarmee wil je hulp?"] and body["dossier"] == code
    replayed = await client.post("/verder/bevestig", data={"code": code, "cijfers": digits}, allow_redirects=False)
    assert replayed.status == 400 and "werken niet meer" in await replayed.text()


async def test_an_unknown_code_gets_the_same_answer_and_no_text_goes_out(client, db, code):
    unknown = "HK7M3P" if code != "HK7M3P" else "HK7M3Q"
    answer = await client.post("/verder", data={"code": unknown})
    assert answer.status == 200 and SENT in await answer.text()
    assert texts_to(db, PHONE) == []


async def test_a_second_request_while_the_first_code_holds_sends_nothing(client, db, code):
    await client.post("/verder", data={"code": code})
    again = await client.post("/verder", data={"code": code})
    assert again.status == 200 and SENT in await again.text()
    assert len(texts_to(db, PHONE)) == 1


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}])
async def test_a_form_from_another_site_is_refused(client, db, code, headers):
    response = await client.post("/verder", data={"code": code}, headers=headers)
    assert response.status == 403 and "niet van onze website" in await response.text()
    confirm = await client.post("/verder/bevestig", data={"code": code, "cijfers": "123456"}, headers=headers)
    assert confirm.status == 403
    assert texts_to(db, PHONE) == []


async def test_our_own_origin_is_welcome(client, db, code):
    same = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}
    response = await client.post("/verder", data={"code": code}, headers=same)
    assert response.status == 200 and len(texts_to(db, PHONE)) == 1


async def test_bad_forms_get_a_plain_4xx(client, code):
    not_a_code = await client.post("/verder", data={"code": "12345"})
    assert not_a_code.status == 400 and "Een dossiercode heeft 6 tekens" in await not_a_code.text()
    repeated = await client.post("/verder", data="code=HK7M3P&code=" + code,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert repeated.status == 400
    stray = await client.post("/verder/bevestig", data=b"code=\xff\xfe",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert stray.status == 400


# ---- this web conversation, by SMS from now on --------------------------------------------------

async def web_conversation(client) -> dict[str, str]:
    """A conversation begun on the web (the stand-in Rasa greets and asks for help): its cookie."""
    response = await client.post("/chat", json={"message": "/begroeting"})
    assert response.status == 200
    cookie = response.cookies[cookie_name(True)]
    return {"Cookie": f"{cookie.key}={cookie.value}"}


async def test_a_web_conversation_moves_to_sms_after_the_code_sent_there(client, rasa, db):
    headers = await web_conversation(client)
    web_id = next(iter(rasa.events))
    assert "Je gsm-nummer" in await (await client.get("/verder/sms", headers=headers)).text()
    asked = await client.post("/verder/sms", data={"gsm": "0471 22 33 44"}, headers=headers)
    page = await asked.text()
    assert asked.status == 200 and "We stuurden een sms met 6 cijfers" in page
    assert "471" not in page  # the number goes back in the form sealed, never readable
    sealed = re.search(r'name="nummer" value="([^"]+)"', page).group(1)
    (text,) = texts_to(db, "+32471223344")
    digits = re.search(r"\b(\d{6})\b", text).group(1)
    moved = await client.post("/verder/sms/bevestig", data={"nummer": sealed, "cijfers": digits}, headers=headers,
                              allow_redirects=False)
    assert moved.status == 303, await moved.text()
    sms_id = web_id_from_cookie(moved.cookies[cookie_name(True)].value, SECRET)
    assert sms_id.startswith("sms-") and rasa.events[sms_id][0]["text"] == "/begroeting"
    later = texts_to(db, "+32471223344")[-1]
    assert later.startswith("Je gesprek van de website gaat hier per sms verder.") and "Waarmee wil je hulp?" in later
    with Session(db) as session:
        assert queue.case_of(session, sms_id).channel == "sms" and queue.case_of(session, web_id) is None


async def test_without_a_web_conversation_there_is_nothing_to_move(client):
    page = await client.get("/verder/sms")
    assert "nog geen gesprek" in await page.text() and 'name="gsm"' not in await page.text()
    posted = await client.post("/verder/sms", data={"gsm": "0471223344"})
    assert posted.status == 400


async def test_one_phone_gets_three_codes_a_day_whatever_conversations_ask(client, rasa, db):
    for _ in range(3):
        headers = await web_conversation(client)
        assert (await client.post("/verder/sms", data={"gsm": "0471556677"}, headers=headers)).status == 200
    headers = await web_conversation(client)
    refused = await client.post("/verder/sms", data={"gsm": "0471556677"}, headers=headers)
    assert refused.status == 429 and "vandaag al genoeg codes" in await refused.text()
    assert len(texts_to(db, "+32471556677")) == 3


async def test_a_forged_or_foreign_number_field_moves_nothing(client, rasa, db):
    headers = await web_conversation(client)
    forged = await client.post("/verder/sms/bevestig", data={"nummer": "+32471223344", "cijfers": "123456"},
                               headers=headers)
    assert forged.status == 400 and texts_to(db, "+32471223344") == []
    elsewhere = {**headers, "Origin": "https://x.example"}
    foreign = await client.post("/verder/sms", data={"gsm": "0471223344"}, headers=elsewhere)
    assert foreign.status == 403 and texts_to(db, "+32471223344") == []
    not_a_phone = await client.post("/verder/sms", data={"gsm": "mijn nummer"}, headers=headers)
    assert not_a_phone.status == 400 and "kan ik niet lezen" in await not_a_phone.text()


async def test_a_second_number_while_the_first_code_holds_is_told_so_not_that_a_text_went_out(client, rasa, db):
    headers = await web_conversation(client)
    await client.post("/verder/sms", data={"gsm": "0471223344"}, headers=headers)
    again = await client.post("/verder/sms", data={"gsm": "0471998877"}, headers=headers)
    page = await again.text()
    assert again.status == 200 and "We stuurden al een sms met 6 cijfers" in page and "We stuurden een sms" not in page
    assert texts_to(db, "+32471998877") == [] and len(texts_to(db, "+32471223344")) == 1
