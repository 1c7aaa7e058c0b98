"""`verwijzing twilio sms|bel`: Twilio's side of the lines on this machine, against the real gateway
(aiohttp test server, a real database, the stand-in Rasa of conftest.py): what it posts passes the
gateway's signature check, and it follows the TwiML as Twilio would, through a hand-over's `<Dial>`
and its whisper, and a call back by keypad."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from verwijzing.cli import main
from verwijzing.config import settings
from verwijzing.gateway import init_app
from verwijzing.gateway.twilio_local import Line, LineError, call_in, text_in
from verwijzing.staff.accounts import add_user
from verwijzing.store.staff_models import StaffUser

TOKEN, BASE = "local-twilio-token", "https://loopbaan.example"


@pytest.fixture
async def line(aiohttp_server, rasa, db):
    config = dataclasses.replace(
        settings(), database_url=str(db.url.render_as_string(hide_password=False)), rasa_url=rasa.url,
        rasa_auth_token="rasa-token", twilio_auth_token=TOKEN, public_base_url=BASE,
        channel_secret=b"local-twilio-secret", office_hours="ma-zo 00:00-24:00")
    server = await aiohttp_server(init_app(config))
    return Line(str(server.make_url("")), BASE, TOKEN)


async def test_an_sms_gets_the_assistants_answer(line):
    assert await text_in(line, "+32470123456", "hallo") == ["Dat is alles."]  # the stand-in Rasa's answer
    said = await text_in(line, "+32470123456", "CODE")
    assert said[0].startswith("Je dossiercode is ")


async def test_a_call_is_put_through_with_the_whisper_and_when_nobody_answers_a_call_back(line, db):
    with Session(db) as session, session.begin():
        add_user(session, "an.lokaal", "consulent", None, dt.datetime.now(dt.UTC))
        session.execute(update(StaffUser).values(available_until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)))
    heard = await call_in(line, "+32470123456", ["0", "2"], nobody_answers=True)
    assert "Waarmee wil je hulp?" in heard[0]
    assert heard[1].startswith("[0] Ik verbind je door") and "Dossiercode" in heard[2]
    assert "[niemand neemt op]" in heard[3] and "Druk 2 voor de namiddag" in heard[3]
    assert heard[4].startswith("[2] Genoteerd.")


async def test_a_wrong_token_is_refused_by_the_gateway(line):
    with pytest.raises(LineError, match="403"):
        await text_in(dataclasses.replace(line, token="een ander geheim"), "+32470123456", "hallo")


def test_the_command_says_what_to_do_without_a_token(monkeypatch, capsys):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    assert main(["twilio", "sms", "--van", "+32470123456", "hallo"]) != 0
    assert "TWILIO_AUTH_TOKEN is leeg" in capsys.readouterr().err
