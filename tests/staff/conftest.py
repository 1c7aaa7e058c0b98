"""Fixtures for the staff console: the gateway on a real database (SQLite and PostgreSQL) with
Rasa down, and test clients logged in as a consulent or a beheerder through the real login form."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pyotp
import pytest
from argon2 import PasswordHasher, profiles

from tests.support.gateway import offline_settings
from verwijzing.gateway import init_app
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_sessionmaker

PASSWORD = "correct horse battery staple"
# The authenticator app of the test accounts (their second factor, set up already), and the
# channel secret it is sealed with (staff_config's).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CHANNEL_SECRET = "staff-test-secret"


def app_code(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()
# The guided intake's reference date (tests/staff/test_intake*.py).
PEILDATUM = dt.date(2027, 3, 1)
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture(autouse=True)
def quick_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its cheapest: these tests are about who gets in, not about how hard a stolen
    hash is to crack (0.14 s a hash with the real parameters, several per test). A test that asks
    for `production_hashes` gets the real ones."""
    if "production_hashes" not in request.fixturenames:
        monkeypatch.setattr("verwijzing.staff.accounts._hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture
def production_hashes() -> None:
    """The password hashes as production makes them (see quick_password_hashes)."""


@pytest.fixture
def staff_config(db, monkeypatch):
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", CHANNEL_SECRET)
    monkeypatch.setenv("VERWIJZING_INSZ_PEPPER", "staff-test-pepper")
    return offline_settings(db)


@pytest.fixture
def make_user(db):
    def make(login: str, role: str = "consulent", password: str = PASSWORD, second_factor: bool = True) -> str:
        with make_sessionmaker(db).begin() as session:
            add_user(session, login, role, password, dt.datetime.now(dt.UTC),
                     totp_secret=TOTP_SECRET if second_factor else None, seal_key=CHANNEL_SECRET.encode())
        return login
    return make


async def log_in(client, login: str, password: str = PASSWORD, next: str = "/staff/", code: str | None = None):
    page = await client.get(f"/staff/login?next={next}")
    return await client.post("/staff/login", data={"csrf": csrf_of(await page.text()), "login": login,
                                                    "wachtwoord": password, "next": next,
                                                    "code": app_code() if code is None else code},
                             allow_redirects=False)


@pytest.fixture
def staff_client(aiohttp_client, staff_config, make_user):
    """`await staff_client("beheerder")`: a client logged in as a new member of that role, with
    `.csrf` (the token its forms post) and `.login`."""
    made = 0

    async def make(role: str = "consulent"):
        nonlocal made
        made += 1
        login = make_user(f"{role}{made}", role)
        client = await aiohttp_client(init_app(staff_config))
        response = await log_in(client, login)
        assert response.status == 302, await response.text()
        home = await client.get("/staff/")
        client.csrf, client.login = csrf_of(await home.text()), login
        return client
    return make


# ---- the console, logged in, on a reference date ---------------------------------------------


@pytest.fixture
def console(aiohttp_client, staff_config, make_user, monkeypatch):
    """`await console(day)`: a consulent's client on a gateway whose reference date is `day`."""
    made = 0

    async def make(day: dt.date = PEILDATUM):
        nonlocal made
        made += 1
        # The booking service reads the reference date from the environment, like the rest of the stack.
        monkeypatch.setenv("VERWIJZING_PEILDATUM", day.isoformat())
        config = dataclasses.replace(staff_config, peildatum_override=day)
        login = make_user(f"consulent{made}")
        client = await aiohttp_client(init_app(config))
        assert (await log_in(client, login)).status == 302
        client.csrf = csrf_of(await (await client.get("/staff/intake")).text())
        client.login = login
        client.pages = []  # every page the consulent saw, to look for the national number later
        return client
    return make
