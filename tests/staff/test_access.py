"""Who gets into the staff console: every route refuses without a login, forms need their CSRF
token, repeated wrong passwords slow down only the address they come from, the audit log is for beheerders only, and a
session ends."""
from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from sqlalchemy import select, update

from tests.staff.conftest import PASSWORD, TOTP_SECRET, log_in
from verwijzing.gateway import init_app
from verwijzing.staff import sessions
from verwijzing.staff.accounts import FREE_TRIES_ACCOUNT, REFUSED
from verwijzing.store import AuditEntry, StaffSession, StaffUser, make_sessionmaker

# Open without a session: the login, the static files, and an invitation's link (its token is the proof).
OPEN = {"/staff/login", "/staff/static/{name}", "/staff/welkom/{token}"}


def staff_routes(app) -> list[tuple[str, str]]:
    routes = []
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if path.startswith("/staff") and path not in OPEN and route.method != "HEAD":
            routes.append((route.method, re.sub(r"\{[^}]+\}", "1", path)))
    return routes


async def test_every_staff_route_refuses_without_a_login(aiohttp_client, staff_config):
    app = init_app(staff_config)
    client = await aiohttp_client(app)
    routes = staff_routes(app)
    assert ("GET", "/staff/audit") in routes and ("POST", "/staff/logout") in routes
    for method, path in routes:
        response = await client.request(method, path, allow_redirects=False)
        if path.startswith("/staff/api/"):
            assert response.status == 401, (method, path)
        else:
            assert response.status == 302, (method, path, response.status)
            assert response.headers["Location"].startswith("/staff/login?next="), (method, path)


async def test_an_unknown_path_under_staff_also_asks_for_a_login(aiohttp_client, staff_config):
    client = await aiohttp_client(init_app(staff_config))
    for path in ("/staff/bestaat-niet", "/staff/login-niet", "/staff/loginpagina"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"].startswith("/staff/login?next="), path
    assert (await client.get("/staff/api/iets", allow_redirects=False)).status == 401


async def test_login_sets_a_strict_httponly_cookie_and_goes_where_it_was_asked(aiohttp_client, staff_config, make_user):
    make_user("an.peeters")
    client = await aiohttp_client(init_app(staff_config))
    response = await log_in(client, "an.peeters", next="/staff/audit")
    assert response.status == 302 and response.headers["Location"] == "/staff/audit"
    cookie = response.cookies["verwijzing_staff"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff"


async def test_login_never_redirects_elsewhere(aiohttp_client, staff_config, make_user):
    make_user("an.peeters")
    client = await aiohttp_client(init_app(staff_config))
    # Three logins within a minute: each with a code of its own (a code works once).
    app = pyotp.TOTP(TOTP_SECRET)
    now = dt.datetime.now(dt.UTC)
    for offset, target in zip((-30, 0, 30), ("https://evil.example/", "//evil.example/staff", "/elders"), strict=True):
        response = await log_in(client, "an.peeters", next=target, code=app.at(now + dt.timedelta(seconds=offset)))
        assert response.headers["Location"] == "/staff/", target


async def test_a_login_form_without_its_token_is_refused(aiohttp_client, staff_config, make_user):
    make_user("an.peeters")
    client = await aiohttp_client(init_app(staff_config))
    response = await client.post("/staff/login", data={"login": "an.peeters", "wachtwoord": PASSWORD},
                                 allow_redirects=False)
    assert response.status == 403


async def test_a_wrong_csrf_token_is_refused(staff_client):
    client = await staff_client()
    response = await client.post("/staff/logout", data={"csrf": "0" * 64}, allow_redirects=False)
    assert response.status == 403
    assert (await client.get("/staff/", allow_redirects=False)).status == 200  # still logged in
    response = await client.post("/staff/logout", data={"csrf": client.csrf}, allow_redirects=False)
    assert response.status == 302
    assert (await client.get("/staff/", allow_redirects=False)).status == 302  # logged out


async def test_wrong_passwords_slow_this_address_down_with_the_same_message(aiohttp_client, staff_config,
                                                                          make_user, db):
    # Issue 18: no lockout anyone can trigger; the throttled try reads like any other failure.
    make_user("an.peeters")
    client = await aiohttp_client(init_app(staff_config))
    texts = []
    for _ in range(FREE_TRIES_ACCOUNT):
        response = await log_in(client, "an.peeters", "fout wachtwoord 123")
        assert response.status == 401
        texts.append(await response.text())
    response = await log_in(client, "an.peeters")  # the right password, too soon after
    assert response.status == 401 and REFUSED in await response.text()
    with make_sessionmaker(db)() as session:
        failures = [a.detail["waarom"] for a in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "login_mislukt").order_by(AuditEntry.id))]
    assert failures == ["wrong"] * FREE_TRIES_ACCOUNT + ["throttled"]


async def test_an_unknown_login_and_a_wrong_password_read_the_same(aiohttp_client, staff_config, make_user):
    make_user("an.peeters")
    client = await aiohttp_client(init_app(staff_config))
    unknown = await (await log_in(client, "niemand")).text()
    wrong = await (await log_in(client, "an.peeters", "fout wachtwoord 123")).text()
    assert "Login of wachtwoord klopt niet." in unknown and "Login of wachtwoord klopt niet." in wrong


async def test_a_consulent_cannot_open_the_audit_log_a_beheerder_can(staff_client):
    consulent = await staff_client("consulent")
    response = await consulent.get("/staff/audit")
    assert response.status == 403 and "hoort niet bij jouw rol" in await response.text()
    assert "Auditlog" not in (await (await consulent.get("/staff/")).text())  # not in the menu either
    beheerder = await staff_client("beheerder")
    response = await beheerder.get("/staff/audit")
    assert response.status == 200 and "<h1>Auditlog</h1>" in await response.text()


async def test_pages_are_not_cached_and_allow_only_their_own_scripts(staff_client):
    client = await staff_client()
    response = await client.get("/staff/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = await response.text()
    # Only the console's own script file: no inline code (the CSP would refuse it anyway).
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/staff/static/staff.js" defer>']
    assert "</script>" in html and re.search(r"<script[^>]*>\s*[^<\s]", html) is None


async def test_an_idle_session_ends(staff_client, db):
    client = await staff_client()
    long_ago = dt.datetime.now(dt.UTC) - sessions.IDLE - dt.timedelta(minutes=1)
    with make_sessionmaker(db).begin() as session:
        session.execute(update(StaffSession).values(last_seen_at=long_ago))
    assert (await client.get("/staff/", allow_redirects=False)).status == 302
    with make_sessionmaker(db)() as session:
        assert session.scalars(select(StaffSession)).all() == []  # the ended session is gone


async def test_passwords_are_argon2id_hashes_with_the_rfc_9106_parameters(make_user, db, production_hashes):
    make_user("an.peeters")
    with make_sessionmaker(db)() as session:
        stored = session.scalar(select(StaffUser.password_hash))
    # RFC 9106's second recommended option (argon2-cffi's default): 64 MiB, 3 passes, 4 lanes.
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in stored


@pytest.mark.parametrize("password", ["kort", ""])
def test_add_user_refuses_a_short_password(tmp_path, password):
    import subprocess
    import sys
    from pathlib import Path
    done = subprocess.run([Path(sys.executable).with_name("verwijzing"), "staff", "add-user", "bob", "--role",
                           "consulent", "--password-stdin"], input=password + "\n", capture_output=True, text=True,
                          env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "minstens 12 tekens" in done.stderr


def test_add_user_makes_an_account_that_can_log_in(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    url = f"sqlite:///{tmp_path / 'x.db'}"
    done = subprocess.run([Path(sys.executable).with_name("verwijzing"), "staff", "add-user", "An.Peeters", "--role",
                           "beheerder", "--password-stdin"], input=PASSWORD + "\n", capture_output=True, text=True,
                          env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "an.peeters (beheerder)" in done.stdout
    from verwijzing.staff.accounts import authenticate
    from verwijzing.store import make_engine
    with make_sessionmaker(make_engine(url)).begin() as session:
        assert authenticate(session, "an.peeters", PASSWORD, dt.datetime.now(dt.UTC)).role == "beheerder"


async def test_the_console_without_its_slash_asks_for_a_login_then_opens_its_home(
        aiohttp_client, staff_config, make_user):
    make_user("an.peeters")
    client = await aiohttp_client(init_app(staff_config))
    first = await client.get("/staff", allow_redirects=False)
    assert first.status == 302 and first.headers["Location"] == "/staff/login?next=/staff"
    await log_in(client, "an.peeters")
    second = await client.get("/staff", allow_redirects=False)
    assert second.status in (301, 302, 308) and second.headers["Location"] == "/staff/"
