"""Counsellors as members of the console (role begeleider): a beheerder invites one from the
register, the e-mailed link sets a password once within 72 hours, and the counsellor then sees only
their own agenda and hours — on SQLite and PostgreSQL, through the real gateway."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from tests.staff.conftest import CHANNEL_SECRET, PASSWORD, TOTP_SECRET, csrf_of, log_in
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.gateway import init_app
from verwijzing.nl_be import BRUSSELS
from verwijzing.staff import second_factor
from verwijzing.staff.accounts import add_user
from verwijzing.store import AuditEntry, Counsellor, Slot, StaffInvitation, StaffUser, make_sessionmaker
from verwijzing.store.mail_models import MailMessage

REGISTER = [
    'LK-1,Lotte Peeters,lotte@example.be,,"Kouter 1",9000,op_locatie;online,nl,2026-01-01,,2026-01-01,,ja',
    'LK-2,Wout Janssens,wout@example.be,,"Meir 2",2000,op_locatie,nl,2026-01-01,,2026-01-01,,nee',
    "LK-3,Sien Maes,sien@example.be,,,3000,online,nl,2026-01-01,,2026-01-01,,nee",
]
LINK = re.compile(r"http://[^\s]+/staff/welkom/([A-Za-z0-9_-]+)")
VDAB_PAGES = ("/staff/intake", "/staff/verwijzingen", "/staff/dashboard", "/staff/audit", "/staff/begeleiders")


@pytest.fixture
def register(db) -> dict[str, int]:
    parsed = read_register("\n".join((",".join(COLUMNS), *REGISTER)).encode())
    assert not parsed.problems
    with make_sessionmaker(db).begin() as session:
        import_register(session, parsed.entries, dt.datetime.now(dt.UTC), b"seal")
        return {c.mandate_number: c.id for c in session.scalars(select(Counsellor))}


async def invite(client, counsellor_id: int):
    return await client.post(f"/staff/begeleiders/{counsellor_id}/uitnodigen", data={"csrf": client.csrf},
                             allow_redirects=False)


def mailed_token(db, to: str) -> str:
    with make_sessionmaker(db)() as session:
        bodies = session.scalars(select(MailMessage.body_text).where(MailMessage.to_address == to)
                                 .order_by(MailMessage.id)).all()
    assert bodies, f"no e-mail to {to}"
    match = LINK.search(bodies[-1] or "")
    assert match, bodies[-1]
    return match.group(1)


async def set_password(client, token: str, password: str = PASSWORD, repeated: str | None = None):
    page = await client.get(f"/staff/welkom/{token}")
    return await client.post(f"/staff/welkom/{token}", data={
        "csrf": csrf_of(await page.text()), "wachtwoord": password, "nog_eens": repeated or password},
        allow_redirects=False)


async def counsellor_client(aiohttp_client, staff_config, db, beheerder, counsellor_id: int, email: str):
    """A counsellor invited, with a password and (for the test) their authenticator set, logged in."""
    assert (await invite(beheerder, counsellor_id)).status == 302
    client = await aiohttp_client(init_app(staff_config))
    assert (await set_password(client, mailed_token(db, email))).status == 302
    with make_sessionmaker(db).begin() as session:
        session.execute(update(StaffUser).where(StaffUser.login == email).values(
            totp_secret=second_factor.sealed(TOTP_SECRET, CHANNEL_SECRET.encode())))
    assert (await log_in(client, email)).status == 302
    client.csrf = csrf_of(await (await client.get("/staff/agenda")).text())
    return client


async def test_a_beheerder_invites_a_counsellor_who_sets_a_password_once_and_logs_in(
        aiohttp_client, staff_config, staff_client, db, register):
    beheerder = await staff_client("beheerder")
    page = await (await beheerder.get("/staff/begeleiders?zoek=lotte")).text()
    assert "Lotte Peeters" in page and "geen account" in page and "Wout" not in page
    response = await invite(beheerder, register["LK-1"])
    assert response.status == 302
    assert response.headers["Location"] == f"/staff/begeleiders?uitgenodigd={register['LK-1']}"
    listed = await (await beheerder.get(response.headers["Location"])).text()
    assert "De uitnodiging voor Lotte Peeters is verstuurd." in listed and "uitgenodigd, de link werkt tot" in listed
    token = mailed_token(db, "lotte@example.be")
    with make_sessionmaker(db)() as session:
        mail = session.scalar(select(MailMessage))
        assert "72 uur" not in mail.subject and "Kies eerst een wachtwoord" in mail.body_text
        # Only the token's hash is kept.
        assert token not in str(session.scalar(select(StaffInvitation.token_hash)))

    citizen_side = await aiohttp_client(init_app(staff_config))
    # Opening the link (a mail scanner does) uses nothing up.
    for _ in range(2):
        opened = await citizen_side.get(f"/staff/welkom/{token}")
        assert opened.status == 200 and "lotte@example.be" in await opened.text()
        assert opened.headers["Referrer-Policy"] == "no-referrer"
    short = await set_password(citizen_side, token, "kort")
    assert short.status == 400 and "minstens 12 tekens" in await short.text()
    different = await set_password(citizen_side, token, PASSWORD, PASSWORD + "!")
    assert different.status == 400 and "niet gelijk" in await different.text()
    done = await set_password(citizen_side, token)
    assert done.status == 302 and done.headers["Location"] == "/staff/login?welkom=1"
    assert "Je wachtwoord is bewaard" in await (await citizen_side.get("/staff/login?welkom=1")).text()
    # The link works once.
    again = await citizen_side.get(f"/staff/welkom/{token}")
    assert again.status == 410 and "werkt niet meer" in await again.text()
    nonce = csrf_of(await (await citizen_side.get("/staff/login")).text())  # a form of this site, to post with
    reused = await citizen_side.post(f"/staff/welkom/{token}", data={
        "csrf": nonce, "wachtwoord": "een ander wachtwoord", "nog_eens": "een ander wachtwoord"})
    assert reused.status == 410 and "werkt niet meer" in await reused.text()
    # The e-mail address and the new password log in; the second factor is set up first.
    first = await log_in(citizen_side, "lotte@example.be", code="")
    assert first.status == 302 and first.headers["Location"].startswith("/staff/tweede-stap")
    # Once active, there is nothing left to invite to.
    refused = await invite(beheerder, register["LK-1"])
    assert refused.status == 409 and "heeft al een account" in await refused.text()
    with make_sessionmaker(db)() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"begeleider_uitgenodigd", "wachtwoord_gekozen"} <= actions


async def test_a_link_runs_out_after_72_hours_and_a_new_invitation_replaces_the_old_link(
        aiohttp_client, staff_config, staff_client, db, register):
    beheerder = await staff_client("beheerder")
    await invite(beheerder, register["LK-2"])
    old = mailed_token(db, "wout@example.be")
    await invite(beheerder, register["LK-2"])
    new = mailed_token(db, "wout@example.be")
    client = await aiohttp_client(init_app(staff_config))
    # Before the link is used, no password opens the account (not even its marker).
    for guess in ("!uitgenodigd", "", PASSWORD):
        assert (await log_in(client, "wout@example.be", password=guess, code="")).status == 401
    assert (await client.get(f"/staff/welkom/{old}")).status == 410
    assert (await client.get(f"/staff/welkom/{new}")).status == 200
    with make_sessionmaker(db).begin() as session:
        session.execute(update(StaffInvitation).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert (await client.get(f"/staff/welkom/{new}")).status == 410
    assert "de link is verlopen" in await (await beheerder.get("/staff/begeleiders?zoek=wout")).text()
    assert (await client.get("/staff/welkom/geen-echte-link")).status == 410


async def test_who_cannot_be_invited_and_who_may_invite(staff_client, db, register):
    beheerder = await staff_client("beheerder")
    with make_sessionmaker(db).begin() as session:  # an older database, from before the register's e-mail
        session.get(Counsellor, register["LK-3"]).email = None
    no_mail = await invite(beheerder, register["LK-3"])
    assert no_mail.status == 409 and "geen e-mailadres" in await no_mail.text()
    assert (await invite(beheerder, 999999)).status == 409
    # An account with that e-mail address as its login exists already: a plain refusal, no 500.
    with make_sessionmaker(db).begin() as session:
        add_user(session, "sien@example.be", "consulent", PASSWORD, dt.datetime.now(dt.UTC))
    with make_sessionmaker(db).begin() as session:
        session.get(Counsellor, register["LK-3"]).email = "sien@example.be"
    refused = await invite(beheerder, register["LK-3"])
    assert refused.status == 409 and "Er is al een gebruiker" in await refused.text()
    consulent = await staff_client("consulent")
    assert (await consulent.get("/staff/begeleiders")).status == 403
    assert (await invite(consulent, register["LK-1"])).status == 403
    with make_sessionmaker(db)() as session:
        assert session.scalar(select(MailMessage)) is None


async def test_a_counsellor_sees_only_their_own_agenda_and_hours(aiohttp_client, staff_config, staff_client, db,
                                                                 register):
    beheerder = await staff_client("beheerder")
    lotte = await counsellor_client(aiohttp_client, staff_config, db, beheerder, register["LK-1"], "lotte@example.be")
    home = await lotte.get("/staff/", allow_redirects=False)
    assert home.status == 302 and home.headers["Location"] == "/staff/agenda"
    agenda = await (await lotte.get("/staff/agenda")).text()
    assert "Dag Lotte Peeters" in agenda and "nog geen uren" in agenda
    assert "Nieuwe verwijzing" not in agenda and "Mijn uren" in agenda
    for path in VDAB_PAGES:
        assert (await lotte.get(path)).status == 403, path
    assert (await lotte.get("/staff/api/iets")).status == 403
    # The counsellor pages are for counsellors: a beheerder has no agenda of their own.
    assert (await beheerder.get("/staff/agenda")).status == 403


async def test_a_counsellor_sets_hours_in_the_console_and_they_become_bookable_moments(
        aiohttp_client, staff_config, staff_client, db, register):
    beheerder = await staff_client("beheerder")
    lotte = await counsellor_client(aiohttp_client, staff_config, db, beheerder, register["LK-1"], "lotte@example.be")
    form = await (await lotte.get("/staff/agenda/uren")).text()
    assert 'name="manier-0" value="op_locatie"' in form and 'value="telefoon"' not in form  # her register's ways
    wrong = await lotte.post("/staff/agenda/uren", data={
        "csrf": lotte.csrf, "dag-0": "0", "van-0": "09:00", "tot-0": "10:00", "manier-0": "op_locatie",
        "dag-1": "1", "van-1": "14:00", "tot-1": "13:00", "opvoorhand": "24"})
    text = await wrong.text()
    assert wrong.status == 400 and "Er is niets bewaard" in text
    assert "Rij 1: een gesprek duurt 2 uur" in text and "Rij 2: het einde (13:00)" in text
    with make_sessionmaker(db)() as session:
        assert session.scalar(select(Slot)) is None
    saved = await lotte.post("/staff/agenda/uren", data=[
        ("csrf", lotte.csrf), ("dag-0", "0"), ("van-0", "9u"), ("tot-0", "13:00"), ("manier-0", "op_locatie"),
        ("manier-0", "online"), ("dag-1", "3"), ("van-1", "13:30"), ("tot-1", "15:30"), ("manier-1", "online"),
        ("plaats-1", ""), ("opvoorhand", "48")], allow_redirects=False)
    assert saved.status == 302, await saved.text()
    page = await (await lotte.get(saved.headers["Location"])).text()
    assert re.search(r"Bewaard\. \d+ nieuwe momenten", page)
    with make_sessionmaker(db)() as session:
        moments = session.scalars(select(Slot).where(Slot.counsellor_id == register["LK-1"])).all()
        assert moments and {s.starts_at.astimezone(BRUSSELS).strftime("%a %H:%M") for s in moments} == {
            "Mon 09:00", "Mon 11:00", "Thu 13:30"}
        assert all(s.bookable_until == s.starts_at - dt.timedelta(hours=48) for s in moments)
        assert session.get(Counsellor, register["LK-1"]).min_notice_hours == 48
        # Wout's agenda is untouched: the id comes from Lotte's session, not from the form.
        assert not session.scalars(select(Slot).where(Slot.counsellor_id == register["LK-2"])).all()
    agenda = await (await lotte.get("/staff/agenda")).text()
    assert "09:00 tot 11:00" in agenda and "vrij" in agenda
    # A day off on the next Monday.
    monday = dt.date.today() + dt.timedelta(days=(7 - dt.date.today().weekday()))
    off = await lotte.post("/staff/agenda/uitzondering", data={"csrf": lotte.csrf, "datum": monday.isoformat(),
                                                               "soort": "vrij"}, allow_redirects=False)
    assert off.status == 302
    hours_page = await (await lotte.get("/staff/agenda/uren")).text()
    assert ": vrij" in hours_page
    with make_sessionmaker(db)() as session:
        assert not [s for s in session.scalars(select(Slot).where(Slot.counsellor_id == register["LK-1"]))
                    if s.day == monday]


async def test_numbers_spelled_otherwise_or_too_long_get_a_plain_answer_never_a_500(
        aiohttp_client, staff_config, staff_client, db, register):
    beheerder = await staff_client("beheerder")
    for raw in ("99999999999999999999", "%C2%B2", "%D9%A3"):  # a database overflow, "²", an Arabic-Indic 3
        assert (await invite(beheerder, raw)).status == 404, raw
    assert (await beheerder.get("/staff/begeleiders?uitgenodigd=99999999999999999999")).status == 200
    assert (await beheerder.get("/staff/audit?pagina=²")).status == 200
    lotte = await counsellor_client(aiohttp_client, staff_config, db, beheerder, register["LK-1"], "lotte@example.be")
    odd = await lotte.post("/staff/agenda/uren", data={"csrf": lotte.csrf, "dag-0": "²", "van-0": "09:00",
                                                       "tot-0": "13:00", "manier-0": "op_locatie", "opvoorhand": "²"})
    text = await odd.text()
    assert odd.status == 400 and "Rij 1: kies een dag" in text and "Kies hoe lang op voorhand" in text
    assert (await lotte.get("/staff/agenda/overzicht?maand=9999-12")).status == 200
    assert (await lotte.get(f"/staff/agenda/uren?bewaard=1&nieuw=²&weg={'9' * 5000}")).status == 200
