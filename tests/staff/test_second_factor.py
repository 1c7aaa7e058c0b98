"""The staff's second factor (issue 18, point 6; ASVS level 2): a TOTP code from an app with the
password, set up at the first login, with recovery codes — through real HTTP on a real database."""
from __future__ import annotations

import datetime as dt
import re

import pyotp
from sqlalchemy import select

from tests.staff.conftest import PASSWORD, TOTP_SECRET, csrf_of, log_in
from verwijzing.gateway import init_app
from verwijzing.staff.accounts import REFUSED
from verwijzing.store import StaffUser, make_sessionmaker


async def test_an_account_with_an_app_needs_its_code(aiohttp_client, staff_config, make_user):
    make_user("an.peeters")
    client = await aiohttp_client(init_app(staff_config))
    for code in ("", "000000"):  # (a third failure would slow this address down: the throttle)
        refused = await log_in(client, "an.peeters", code=code)
        assert refused.status == 401 and REFUSED in await refused.text()
    assert (await client.get("/staff/", allow_redirects=False)).status == 302
    assert (await log_in(client, "an.peeters", next="/staff/audit")).headers["Location"] == "/staff/audit"


async def test_the_first_login_sets_up_the_app_before_anything_opens(aiohttp_client, staff_config, make_user, db):
    make_user("nieuw", second_factor=False)
    client = await aiohttp_client(init_app(staff_config))
    response = await log_in(client, "nieuw", code="", next="/staff/verwijzingen")
    assert response.status == 302 and response.headers["Location"].startswith("/staff/tweede-stap")
    # Nothing else opens with the password alone.
    blocked = await client.get("/staff/verwijzingen", allow_redirects=False)
    assert blocked.status == 302 and blocked.headers["Location"].startswith("/staff/tweede-stap")
    assert (await client.get("/staff/api/gesprekken", allow_redirects=False)).status in (401, 404)
    page = await (await client.get("/staff/tweede-stap?next=/staff/verwijzingen")).text()
    assert "<svg" in page and "Sleutel" in page
    key = re.search(r"Sleutel: <code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    wrong = await client.post("/staff/tweede-stap", data={"csrf": csrf_of(page), "code": "000000",
                                                            "next": "/staff/verwijzingen"})
    assert wrong.status == 400 and "klopt niet" in await wrong.text()
    page = await wrong.text()  # the page again keeps where the member was going
    assert 'name="next" value="/staff/verwijzingen"' in page
    done = await client.post("/staff/tweede-stap", data={"csrf": csrf_of(page), "code": pyotp.TOTP(key).now(),
                                                           "next": "/staff/verwijzingen"})
    text = await done.text()
    assert done.status == 200 and "herstelcodes" in text
    recovery = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", text)
    assert len(recovery) == 8
    assert (await client.get("/staff/verwijzingen", allow_redirects=False)).status == 200
    with make_sessionmaker(db)() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.login == "nieuw"))
        assert user.totp_secret and key not in user.totp_secret  # kept sealed, never as typed
        assert all(code not in repr(user.recovery_codes) for code in recovery)

    # From now on the login asks the code; a recovery code works once.
    other = await aiohttp_client(init_app(staff_config))
    assert (await log_in(other, "nieuw", code="")).status == 401
    assert (await log_in(other, "nieuw", code=recovery[0])).status == 302
    again = await aiohttp_client(init_app(staff_config))
    assert (await log_in(again, "nieuw", code=recovery[0])).status == 401


async def test_five_wrong_codes_at_setup_end_the_session(aiohttp_client, staff_config, make_user):
    make_user("nieuw2", second_factor=False)
    client = await aiohttp_client(init_app(staff_config))
    await log_in(client, "nieuw2", code="")
    page = await (await client.get("/staff/tweede-stap")).text()
    for _ in range(5):
        last = await client.post("/staff/tweede-stap", data={"csrf": csrf_of(page), "code": "000000"},
                                 allow_redirects=False)
    assert last.status == 302 and last.headers["Location"] == "/staff/login"
    assert (await client.get("/staff/tweede-stap", allow_redirects=False)).headers["Location"].startswith(
        "/staff/login")


def test_the_test_app_is_the_one_the_fixtures_use():
    assert pyotp.TOTP(TOTP_SECRET).now().isdigit() and PASSWORD


async def test_a_password_only_session_cannot_replace_a_second_factor_set_up_elsewhere(aiohttp_client, staff_config,
                                                                                     make_user, db):
    """Someone who knows only the password logged in before the member set up the app: once it is
    set up, that half session ends; it cannot put its own secret in place of the member's."""
    make_user("nieuw3", second_factor=False)
    intruder = await aiohttp_client(init_app(staff_config))
    await log_in(intruder, "nieuw3", code="")
    intruder_page = await (await intruder.get("/staff/tweede-stap")).text()
    intruder_key = re.search(r"Sleutel: <code>([A-Z2-7 ]+)</code>", intruder_page).group(1).replace(" ", "")

    member = await aiohttp_client(init_app(staff_config))
    await log_in(member, "nieuw3", code="")
    page = await (await member.get("/staff/tweede-stap")).text()
    key = re.search(r"Sleutel: <code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    done = await member.post("/staff/tweede-stap", data={"csrf": csrf_of(page), "code": pyotp.TOTP(key).now()})
    assert done.status == 200

    late = await intruder.post("/staff/tweede-stap", allow_redirects=False,
                               data={"csrf": csrf_of(intruder_page), "code": pyotp.TOTP(intruder_key).now()})
    assert late.status == 302 and late.headers["Location"].startswith("/staff/login")
    fresh = await aiohttp_client(init_app(staff_config))
    # (the next code of the app: the one of setting it up is used)
    next_code = pyotp.TOTP(key).at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))
    assert (await log_in(fresh, "nieuw3", code=next_code)).status == 302
    assert (await log_in(await aiohttp_client(init_app(staff_config)), "nieuw3",
                         code=pyotp.TOTP(intruder_key).now())).status == 401


async def test_a_code_of_the_app_works_once(aiohttp_client, staff_config, make_user):
    """ASVS 2.8.4: a code seen over a shoulder (or phished) does not open a second session."""
    make_user("an.eenmaal")
    code = pyotp.TOTP(TOTP_SECRET).now()
    first = await aiohttp_client(init_app(staff_config))
    assert (await log_in(first, "an.eenmaal", code=code)).status == 302
    second = await aiohttp_client(init_app(staff_config))
    refused = await log_in(second, "an.eenmaal", code=code)
    assert refused.status == 401 and REFUSED in await refused.text()
