"""Throttling instead of a lockout (issue 18, point 6): failures slow down the account *from that
address* and the address itself, with growing delays; the real user elsewhere still gets in, a
success starts the account's count again, and every refusal says the same."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from tests.staff.conftest import CHANNEL_SECRET, PASSWORD, TOTP_SECRET
from verwijzing.staff.accounts import (
    FREE_TRIES_ACCOUNT,
    FREE_TRIES_ADDRESS,
    LONGEST_DELAY,
    REFUSED,
    LoginRefused,
    authenticate,
    delay_after,
)
from verwijzing.store import make_sessionmaker

NOW = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)


def attempt(db, login: str, password: str, at: dt.datetime, address: str) -> str:
    """'ok', or why it was refused (the message is checked to be the one for all)."""
    with make_sessionmaker(db).begin() as session:
        try:
            authenticate(session, login, password, at, address, code=pyotp.TOTP(TOTP_SECRET).at(at),
                         seal_key=CHANNEL_SECRET.encode())
        except LoginRefused as refused:
            assert str(refused) == REFUSED
            return refused.why
    return "ok"


def test_the_delays_grow_and_stop_growing():
    assert delay_after(FREE_TRIES_ACCOUNT - 1, FREE_TRIES_ACCOUNT) == dt.timedelta(0)
    steps = [delay_after(n, FREE_TRIES_ACCOUNT) for n in range(FREE_TRIES_ACCOUNT, FREE_TRIES_ACCOUNT + 12)]
    assert steps[0] == dt.timedelta(seconds=1) and steps == sorted(steps) and steps[-1] == LONGEST_DELAY


def test_a_guesser_elsewhere_slows_only_themselves(db, make_user):
    make_user("an.peeters")
    for n in range(FREE_TRIES_ACCOUNT + 3):
        assert attempt(db, "an.peeters", "geraden", NOW + dt.timedelta(milliseconds=n), "203.0.113.9") in (
            "wrong", "throttled")
    assert attempt(db, "an.peeters", PASSWORD, NOW + dt.timedelta(seconds=1), "203.0.113.9") == "throttled"
    # The real user at her own desk is not locked out.
    assert attempt(db, "an.peeters", PASSWORD, NOW + dt.timedelta(seconds=1), "10.0.0.7") == "ok"
    # And after the delay, the right password works from the guesser's address too.
    assert attempt(db, "an.peeters", PASSWORD, NOW + LONGEST_DELAY * 2, "203.0.113.9") == "ok"


def test_one_address_spraying_many_accounts_is_slowed_down(db, make_user):
    for n in range(FREE_TRIES_ADDRESS):
        assert attempt(db, f"gok{n}", "geraden", NOW, "198.51.100.4") == "unknown"
    assert attempt(db, "iemand.anders", "geraden", NOW, "198.51.100.4") == "throttled"


@pytest.mark.parametrize("login", ["bestaat.niet", "an.peeters"])
def test_unknown_and_wrong_cannot_be_told_apart_by_the_message(db, make_user, login):
    make_user("an.peeters")
    assert attempt(db, login, "fout wachtwoord", NOW, "10.0.0.8") in ("unknown", "wrong")


def test_every_outcome_costs_exactly_one_password_hash(db, make_user, monkeypatch):
    # The same time for unknown, wrong and throttled, by construction: one argon2 check each
    # (the hash is the time; a timing measurement would only add noise to this fact).
    import verwijzing.staff.accounts as accounts
    real, calls = accounts._verify, []  # noqa: SLF001

    def counted(hashed: str, password: str) -> bool:
        calls.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "_verify", counted)
    make_user("an.peeters")
    outcomes = [attempt(db, "bestaat.niet", "x", NOW, "10.1.1.1"),
                attempt(db, "an.peeters", "fout", NOW, "10.1.1.2")]
    for n in range(FREE_TRIES_ACCOUNT + 1):
        outcomes.append(attempt(db, "an.peeters", "fout", NOW + dt.timedelta(milliseconds=n), "10.1.1.3"))
    outcomes.append(attempt(db, "an.peeters", PASSWORD, NOW + dt.timedelta(seconds=3), "10.1.1.4"))
    assert "unknown" in outcomes and "wrong" in outcomes and "throttled" in outcomes and outcomes[-1] == "ok"
    assert len(calls) == len(outcomes)


def test_the_counters_name_no_address_or_login_that_hashing_could_find_back(db, make_user):
    import hashlib

    from sqlalchemy import select

    from verwijzing.store.staff_models import LoginThrottle
    make_user("an.peeters")
    attempt(db, "an.peeters", "geraden", NOW, "203.0.113.9")
    with make_sessionmaker(db)() as session:
        keys = set(session.scalars(select(LoginThrottle.key)))
    assert len(keys) == 2
    # A plain hash of an IPv4 address is found back by hashing all 2³² of them; these are keyed.
    plain = {hashlib.sha256(text.encode()).hexdigest()
             for text in ("address:203.0.113.9", "account:an.peeters|203.0.113.9", "203.0.113.9")}
    assert not keys & plain
    assert not any("203.0.113" in key or "peeters" in key for key in keys)


async def test_behind_a_proxy_each_forwarded_address_has_its_own_count(aiohttp_client, staff_config, make_user):
    """With VERWIJZING_PROXY_HOPS every connection is the proxy's: the throttle counts the
    forwarded address (as the rate limits do), or one guesser would slow every member down."""
    import dataclasses

    from tests.staff.conftest import app_code, csrf_of
    from verwijzing.gateway import init_app
    make_user("an.peeters")
    client = await aiohttp_client(init_app(dataclasses.replace(staff_config, proxy_hops=1, rate_limits=False)))

    async def try_login(password: str, forwarded: str) -> int:
        headers = {"X-Forwarded-For": forwarded}
        page = await client.get("/staff/login", headers=headers)
        response = await client.post("/staff/login", headers=headers, allow_redirects=False, data={
            "csrf": csrf_of(await page.text()), "login": "an.peeters", "wachtwoord": password, "code": app_code()})
        return response.status

    for _ in range(FREE_TRIES_ADDRESS + 2):
        assert await try_login("geraden", "203.0.113.9") == 401
    assert await try_login(PASSWORD, "198.51.100.7") == 302
