"""Through the real Rasa and action servers: a decision on the SMS line writes exactly one
referral with its channel and facts, and when the person then asks for a person, the console
lists it as such and shows the conversation (SQLite; the pages' own tests run on both databases)."""
from __future__ import annotations

import datetime as dt
import json
import urllib.request

import pytest
from sqlalchemy import select

from tests.conversation.stack import running_stack
from tests.staff.conftest import TOTP_SECRET, log_in
from tests.support.gateway import offline_settings
from verwijzing.gateway import init_app
from verwijzing.nl_be import BRUSSELS
from verwijzing.staff.accounts import add_user
from verwijzing.store import Referral, make_engine, make_sessionmaker

pytestmark = pytest.mark.rasa
DAY = "2027-02-01"
INTAKE = ["hallo", "ik wil iets anders doen", "bediende", "9000", "12 jaar", "nee", "gestopt na het 4de middelbaar"]
SENDER = "c0ffee" * 10  # as the gateway makes it for SMS: a keyed hash, not the number


@pytest.fixture(scope="module")
def conversation(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("referrals-stack")
    url = f"sqlite:///{tmp / 'verwijzing.db'}"
    with running_stack(tmp, database_url=url, VERWIJZING_PEILDATUM=DAY) as (rasa, _):
        def say(text: str) -> str:
            body = json.dumps({"sender": SENDER, "message": text, "channel": "sms"}).encode()
            request = urllib.request.Request(f"{rasa.base}/webhooks/gateway/webhook", data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                return "\n".join(m.get("text", "") for m in json.loads(response.read()))

        replies = [say(text) for text in INTAKE]
        engine = make_engine(url)
        with make_sessionmaker(engine)() as session:
            after_decision = list(session.scalars(select(Referral)))
        replies.append(say("ik wil met een mens praten"))
        yield url, replies, after_decision
        engine.dispose()


def test_a_decision_on_the_sms_line_is_one_referral_with_channel_and_facts(conversation):
    _, replies, referrals = conversation
    assert "loopbaankrediet" in replies[-2]
    assert len(referrals) == 1
    referral = referrals[0]
    assert (referral.channel, referral.route, referral.in_aanmerking) == ("sms", "loopbaankrediet", True)
    assert referral.conversation_id == SENDER
    assert referral.facts["opleidingsniveau"] == "kort" and referral.facts["werkervaring_jaren"] == 12
    assert referral.facts["woonregio"] == "vlaanderen" and referral.decision["redenen"]
    # The reference day in Brussels (between 23:00 and 01:00 UTC the UTC date is another one).
    assert referral.created_at.astimezone(BRUSSELS).date() == dt.date.fromisoformat(DAY)


async def test_asking_for_a_person_after_it_shows_in_the_console(conversation, aiohttp_client):
    url, replies, referrals = conversation
    assert "0800 30 700" in replies[-1]
    engine = make_engine(url)
    with make_sessionmaker(engine).begin() as session:
        add_user(session, "els", "consulent", "correct horse battery staple", dt.datetime.now(dt.UTC),
                 totp_secret=TOTP_SECRET, seal_key=b"els-secret")
    engine.dispose()
    config = offline_settings(url, channel_secret=b"els-secret")
    client = await aiohttp_client(init_app(config))
    assert (await log_in(client, "els", "correct horse battery staple")).status == 302
    listed = await (await client.get("/staff/verwijzingen?mens=1&kanaal=sms")).text()
    assert f'href="/staff/verwijzingen/{referrals[0].id}"' in listed
    transcript = await (await client.get(f"/staff/verwijzingen/{referrals[0].id}/gesprek")).text()
    assert "gestopt na het 4de middelbaar" in transcript and "ik wil met een mens praten" in transcript
    assert "Je kan met iemand van VDAB praten." in transcript and "(verwijst naar een mens)" in transcript
