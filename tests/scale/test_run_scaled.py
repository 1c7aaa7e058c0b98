"""`make run-scaled` as a person starts it: scripts/run_scaled.sh on PostgreSQL and Redis, with two
gateways, two Rasa servers, two action servers and the worker, all real processes.

What two gateways behind a load balancer must agree on is checked across them: a web
conversation begun on one goes on on the other (the sealed cookie), an SMS webhook replayed to the
other gateway is answered once (the ids seen are in PostgreSQL), and the rate limits count
together (Redis). Takes about two minutes: the two Rasa servers load the model."""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import aiohttp
import pyotp
import pytest
from sqlalchemy import func, select, update

from tests.conversation.stack import ROOT
from tests.gateway.twilio_requests import BASE, signed, sms_fields
from tests.gateway.twilio_requests import TOKEN as TWILIO_TOKEN
from tests.scale.cluster import require_redis, unique_key_prefix
from tests.staff.conftest import csrf_of
from tests.support.database import require_postgres, temporary_postgres_database
from verwijzing.gateway.identity import cookie_name
from verwijzing.gateway.limits import HEALTH, WINDOW
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing.store.case_models import Case
from verwijzing.store.models import AuditEntry
from verwijzing.store.staff_models import StaffUser

pytestmark = [pytest.mark.rasa, pytest.mark.postgres, pytest.mark.timeout(900)]
FIXED_PORTS = (5005, 5006, 5055, 5056)  # scripts/run_scaled.sh's Rasa and action servers
CHANNEL_SECRET = "scaled-test-channel-secret"
PASSWORD = "een lang wachtwoord voor de test"
CONSULENT_APPS = {"an.schaal": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLW", "bart.schaal": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLX"}


def port_pair() -> int:
    """A port whose next one is free too: the two gateways listen on GATEWAY_PORT and the next.
    Below the ephemeral range: a port the system hands out (free_port, outgoing connections) may
    be taken by a test running beside this one before the gateways bind it."""
    start = random.randrange(18000, 19000, 2)
    for port in range(start, start + 200, 2):
        if port_free(port) and port_free(port + 1):
            return port
    raise RuntimeError("no two free ports next to each other")


def port_free(port: int) -> bool:
    import socket
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def gateways(tmp_path_factory):
    busy = [port for port in FIXED_PORTS if not port_free(port)]
    if busy:
        message = f"ports {busy} are in use (a running `make run`?); scripts/run_scaled.sh needs them"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    redis_env = require_redis(unique_key_prefix())
    redis_url = f"redis://{redis_env['REDIS_HOST']}:{redis_env['REDIS_PORT']}/{redis_env['REDIS_DB']}"
    log = tmp_path_factory.mktemp("scaled") / "run_scaled.out"
    with temporary_postgres_database(require_postgres()) as database_url:
        port = port_pair()
        # The rate limits' Redis is not given: the script takes the lock store's (and its prefix).
        inherited = {k: v for k, v in os.environ.items() if k != "VERWIJZING_LIMITS_REDIS_URL"}
        env = {**inherited, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "REDIS_KEY_PREFIX": redis_env["REDIS_KEY_PREFIX"], "GATEWAY_HOST": "127.0.0.1",
               "GATEWAY_PORT": str(port), "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "PUBLIC_BASE_URL": BASE,
               "VERWIJZING_PEILDATUM": dt.date.today().isoformat(), "VERWIJZING_CHANNEL_SECRET": CHANNEL_SECRET,
               # A consulent can take over at any hour (the hand-over test).
               "VERWIJZING_KANTOORUREN": "ma-zo 00:00-24:00"}
        with log.open("w") as out:
            script = subprocess.Popen([str(ROOT / "scripts" / "run_scaled.sh")], cwd=ROOT, env=env, stdout=out,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 420
            while "klaar:" not in log.read_text():
                assert script.poll() is None, f"run_scaled.sh stopped:\n{log.read_text()[-3000:]}"
                assert time.monotonic() < deadline, f"run_scaled.sh not ready in 7 minutes:\n{log.read_text()[-3000:]}"
                time.sleep(1)
            yield [f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"], log, database_url
        finally:
            stop(script)


def stop(script: subprocess.Popen) -> None:
    """The script and what it started (its own process group), also when it already ended."""
    try:
        os.killpg(script.pid, signal.SIGTERM)
        script.wait(timeout=60)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(script.pid, signal.SIGKILL)
        script.wait()


async def test_the_script_starts_two_gateways_that_both_answer(gateways):
    urls, log, _ = gateways
    assert "2 gateways" in log.read_text()
    async with aiohttp.ClientSession() as http:
        for url in urls:
            async with http.get(f"{url}/health") as response:
                assert response.status == 200, await response.text()


async def test_a_web_conversation_begun_on_one_gateway_goes_on_on_the_other(gateways):
    (one, other), _, _ = gateways
    name = cookie_name(BASE.startswith("https"))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.post(f"{one}/chat", json={"message": "hallo"}) as response:
            assert response.status == 200, await response.text()
            cookie = response.cookies[name].value
            button = (await response.json())["messages"][-1]["buttons"][0]
        headers = {"Cookie": f"{name}={cookie}"}
        async with http.post(f"{other}/chat", json={"message": button["payload"]}, headers=headers) as response:
            assert response.status == 200, await response.text()
            assert "Werk je nu?" in (await response.json())["messages"][-1]["text"]
        async with http.get(f"{one}/chat", headers=headers) as response:
            said = [m["text"] for m in (await response.json())["messages"] if m["from"] == "user"]
    assert said == ["hallo", button["title"]]


async def test_an_sms_replayed_to_the_other_gateway_is_answered_once(gateways):
    (one, other), _, _ = gateways
    fields = sms_fields("hallo", sender="+32470556677")
    headers = {**signed("/webhooks/sms", fields), "Content-Type": "application/x-www-form-urlencoded"}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{one}/webhooks/sms", data=urlencode(fields), headers=headers) as response:
            first = ET.fromstring(await response.text())
        async with http.post(f"{other}/webhooks/sms", data=urlencode(fields), headers=headers) as response:
            again = ET.fromstring(await response.text())
    assert first.findall("Message"), "the first request gets the assistant's answer"
    assert list(again) == []


async def test_the_two_gateways_count_one_budget_together(gateways):
    (one, other), _, _ = gateways
    # Fixed one-minute windows: start at a new one, so that only these requests count (the
    # script's own readiness checks asked /health too) and all of them in the same window.
    time.sleep(WINDOW - time.time() % WINDOW + 0.5)
    statuses = []
    async with aiohttp.ClientSession() as http:
        for i in range(HEALTH.per_address + 2):
            async with http.get(f"{(one, other)[i % 2]}/health") as response:
                statuses.append(response.status)
    # Each gateway alone saw half the budget; together they refuse past it.
    assert statuses == [200] * HEALTH.per_address + [429, 429], statuses


async def staff_session(base: str, login: str) -> tuple[aiohttp.ClientSession, str]:
    """A consulent logged in on one gateway (its cookies are Secure: the gateway's public address
    is https; here it is reached over http on 127.0.0.1, treated as the secure origin it stands for)."""
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[base]))
    async with http.get(f"{base}/staff/login?next=/staff/wachtrij") as page:
        csrf = csrf_of(await page.text())
    form = {"csrf": csrf, "login": login, "wachtwoord": PASSWORD, "next": "/staff/wachtrij",
            "code": pyotp.TOTP(CONSULENT_APPS[login]).now()}
    async with http.post(f"{base}/staff/login", data=form, allow_redirects=False) as response:
        assert response.status == 302, await response.text()
    async with http.get(f"{base}/staff/wachtrij") as page:
        return http, csrf_of(await page.text())


async def test_fifty_hand_overs_at_once_across_two_gateways_none_lost_none_taken_twice(gateways):
    (one, other), _, database_url = gateways
    engine = make_engine(database_url)
    with make_sessionmaker(engine).begin() as session:
        for login, app in CONSULENT_APPS.items():
            add_user(session, login, "consulent", PASSWORD, dt.datetime.now(dt.UTC), totp_secret=app,
                     seal_key=CHANNEL_SECRET.encode())
    consulents = [await staff_session(one, "an.schaal"), await staff_session(other, "bart.schaal")]
    try:
        for (http, csrf), base in zip(consulents, (one, other), strict=True):
            async with http.post(f"{base}/staff/wachtrij/beschikbaar", data={"csrf": csrf, "beschikbaar": "ja"},
                                 allow_redirects=False) as response:
                assert response.status == 303

        async def ask_for_a_person(n: int) -> str:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as person:
                async with person.post(f"{(one, other)[n % 2]}/chat",
                                       json={"message": "ik wil met een mens praten"}) as response:
                    assert response.status == 200, await response.text()
                    body = await response.json()
            assert "overdracht" in body, body
            return body["overdracht"]["code"]

        started = time.monotonic()
        codes = await asyncio.gather(*(ask_for_a_person(n) for n in range(50)))
        print(f"50 hand-overs over two gateways in {time.monotonic() - started:.1f} s")
        assert len(set(codes)) == 50
        with make_sessionmaker(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Case).where(Case.status == "wacht")) == 50

        async def take(consulent: int, code: str) -> str | None:
            http, csrf = consulents[consulent]
            async with http.post(f"{(one, other)[consulent]}/staff/wachtrij/{code}/overnemen", data={"csrf": csrf},
                                 allow_redirects=False) as response:
                assert response.status == 303, await response.text()
                return code if response.headers["Location"] == f"/staff/overname/{code}" else None

        # Both consulents click every case at once, each through their own gateway.
        taken = await asyncio.gather(*(take(c, code) for code in codes for c in (0, 1)))
        won = [code for code in taken if code]
        assert sorted(won) == sorted(codes)  # each case taken, and by one of them only
        with make_sessionmaker(engine)() as session:
            rows = session.execute(select(Case.status, Case.taken_by).where(Case.code.in_(codes))).all()
            assert {status for status, _ in rows} == {"bij_consulent"} and len(rows) == 50
            assert session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "gesprek_overgenomen", AuditEntry.subject.in_(codes))) == 50
    finally:
        for http, _ in consulents:
            await http.close()
        with make_sessionmaker(engine).begin() as session:
            session.execute(update(StaffUser).values(available_until=None))
        engine.dispose()
