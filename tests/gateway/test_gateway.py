"""The gateway through real HTTP (aiohttp test client) on a real database."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from icalendar import Calendar

from tests.support.database import valid_insz
from tests.support.gateway import offline_settings
from verwijzing.booking import BookingService
from verwijzing.demo.counsellors import seed_demo
from verwijzing.dialogue.booking import invite_url
from verwijzing.gateway import init_app
from verwijzing.gateway.app import QuietAccessLogger, missing_secrets
from verwijzing.store import make_sessionmaker

PEPPER = "gateway-test-pepper"
DAY = dt.date(2027, 3, 1)


@pytest.fixture
def config(db, monkeypatch):
    monkeypatch.setenv("VERWIJZING_INSZ_PEPPER", PEPPER)
    # Nothing listens on these ports: Rasa and the action server are "down".
    return offline_settings(db)


@pytest.fixture
def booked(db) -> str:
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        seed_demo(session, DAY)
    service = BookingService(sessions, pepper=PEPPER)
    now = dt.datetime.combine(DAY, dt.time(8), tzinfo=dt.UTC)
    offer = service.free_slots(None, "online", DAY, now=now)[0]
    held = service.hold(offer.slot_id, "web", "gateway-test", modality="online", now=now)
    service.confirm(held.reference, insz=valid_insz(dt.date(1985, 7, 30), 33), now=now)
    return held.reference


async def test_the_invite_opens_with_its_token(aiohttp_client, config, booked):
    client = await aiohttp_client(init_app(config))
    path = invite_url("", booked, PEPPER)
    response = await client.get(path)
    assert response.status == 200
    assert response.content_type == "text/calendar"
    event = Calendar.from_ical(await response.read()).walk("VEVENT")[0]
    assert booked in str(event["SUMMARY"]) + str(event.get("DESCRIPTION", ""))
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=2)


@pytest.mark.parametrize("tamper", ["wrong-token", "", "%C3%A9%C3%A9n", "%E2%82%AC" * 8])
async def test_the_short_reference_alone_does_not_open_an_invite(aiohttp_client, config, booked, tamper):
    client = await aiohttp_client(init_app(config))
    response = await client.get(f"/afspraak/{booked}.ics?t={tamper}")
    assert response.status == 404
    assert "bestaat niet" in await response.text()


async def test_an_unknown_booking_is_a_plain_404(aiohttp_client, config, booked):
    client = await aiohttp_client(init_app(config))
    response = await client.get(invite_url("", "LK-ZZZZ", PEPPER))
    assert response.status == 404


async def test_health_is_503_and_says_what_is_down(aiohttp_client, config):
    client = await aiohttp_client(init_app(config))
    response = await client.get("/health")
    assert response.status == 503
    assert await response.json() == {"rasa": False, "actions": False, "database": True, "ok": False}


# --- issue 18, point 7 ------------------------------------------------------------------------

async def test_the_invite_link_dies_with_a_cancellation(aiohttp_client, config, booked, db):
    client = await aiohttp_client(init_app(config))
    BookingService(make_sessionmaker(db), pepper=PEPPER).cancel(
        booked, now=dt.datetime.combine(DAY, dt.time(9), tzinfo=dt.UTC))
    response = await client.get(invite_url("", booked, PEPPER))
    assert response.status == 404 and "bestaat niet" in await response.text()


async def test_the_invite_link_dies_once_the_block_is_over(aiohttp_client, config, booked, monkeypatch):
    client = await aiohttp_client(init_app(config))
    monkeypatch.setattr("verwijzing.gateway.app.peildatum_now",
                        lambda: dt.datetime.combine(DAY + dt.timedelta(days=60), dt.time(9), tzinfo=dt.UTC))
    assert (await client.get(invite_url("", booked, PEPPER))).status == 404


async def test_on_https_every_answer_asks_for_https_only(aiohttp_client, config):
    client = await aiohttp_client(init_app(dataclasses.replace(config, public_base_url="https://loopbaan.example")))
    for path in ("/", "/bestaat-niet", "/chat"):
        response = await client.get(path)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), path
    plain = await aiohttp_client(init_app(config))
    assert "Strict-Transport-Security" not in (await plain.get("/")).headers


def test_the_gateway_names_the_secrets_it_will_not_start_without(config):
    bare = dataclasses.replace(config, insz_pepper=b"", channel_secret=b"", rasa_auth_token="")
    assert missing_secrets(bare) == ["VERWIJZING_INSZ_PEPPER", "VERWIJZING_CHANNEL_SECRET", "RASA_AUTH_TOKEN"]
    assert missing_secrets(dataclasses.replace(bare, insz_pepper=b"p", channel_secret=b"c", rasa_auth_token="t")) == []


def test_the_access_log_keeps_no_query_string(caplog):
    import logging
    from types import SimpleNamespace
    logger = logging.getLogger("test.access")
    quiet = QuietAccessLogger(logger, "")
    with caplog.at_level(logging.INFO, logger="test.access"):
        quiet.log(SimpleNamespace(remote="10.0.0.1", method="GET", path="/afspraak/LK-7K3P.ics",
                                  path_qs="/afspraak/LK-7K3P.ics?t=geheim"), SimpleNamespace(status=200), 0.01)
    assert "/afspraak/LK-7K3P.ics" in caplog.text and "geheim" not in caplog.text
