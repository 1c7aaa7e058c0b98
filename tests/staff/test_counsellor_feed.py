"""A counsellor's agenda in their own calendar (issue 19, deliverable 4): a private address per
counsellor with their booked blocks, parsed back with icalendar; an update keeps each event's
UID; a new address revokes the old one; never a national number or phone; the token is kept out
of the access log. Through the real gateway, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar
from sqlalchemy import select

from tests.staff.test_counsellor_accounts import counsellor_client, register  # noqa: F401 - the fixture
from tests.support.database import dump_rows, valid_insz
from verwijzing.booking import BookingService
from verwijzing.gateway import init_app
from verwijzing.gateway.app import loggable_path
from verwijzing.store import Slot, make_sessionmaker

CITIZEN = valid_insz(dt.date(1990, 2, 14), 41)
PHONE = "+32478123456"
ADDRESS = re.compile(r'value="(http://[^"]+/agenda/([A-Za-z0-9_-]+)\.ics)"')


async def feed_address(client) -> tuple[str, str]:
    page = await (await client.get("/staff/agenda/kalender")).text()
    found = ADDRESS.search(page)
    assert found, page
    return found.group(1), found.group(2)


async def test_the_feed_shows_booked_blocks_keeps_their_uid_and_a_new_address_revokes_the_old(
        aiohttp_client, staff_config, staff_client, db, register):  # noqa: F811
    beheerder = await staff_client("beheerder")
    lotte = await counsellor_client(aiohttp_client, staff_config, db, beheerder, register["LK-1"], "lotte@example.be")
    saved = await lotte.post("/staff/agenda/uren", data=[
        ("csrf", lotte.csrf), ("dag-0", "0"), ("van-0", "09:00"), ("tot-0", "13:00"), ("manier-0", "op_locatie"),
        ("dag-1", "2"), ("van-1", "09:00"), ("tot-1", "13:00"), ("manier-1", "op_locatie"), ("opvoorhand", "24")],
        allow_redirects=False)
    assert saved.status == 302
    assert "Je hebt nog geen adres" in await (await lotte.get("/staff/agenda/kalender")).text()
    made = await lotte.post("/staff/agenda/kalender/nieuw", data={"csrf": lotte.csrf}, allow_redirects=False)
    assert made.status == 302
    address, token = await feed_address(lotte)

    sessions = make_sessionmaker(db)
    now = dt.datetime.now(dt.UTC)
    with sessions() as session:
        free = session.scalars(select(Slot.id).where(Slot.counsellor_id == register["LK-1"])
                               .order_by(Slot.starts_at)).all()
    service = BookingService(sessions, pepper=b"staff-test-pepper")
    held = service.hold(free[2], "web", "feed-1", modality="op_locatie", now=now)
    reference = service.confirm(held.reference, insz=CITIZEN, phone=PHONE, now=now).reference

    # A calendar app fetches the address without a login (a client of its own, without cookies).
    calendar_app = await aiohttp_client(init_app(staff_config))
    assert address.startswith(staff_config.public_base_url)
    fetched = await calendar_app.get(address.removeprefix(staff_config.public_base_url))
    assert fetched.status == 200 and fetched.content_type == "text/calendar"
    assert "no-store" in fetched.headers["Cache-Control"]
    body = await fetched.read()
    calendar = Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{reference}@verwijzing" and int(event["sequence"]) == 0
    assert reference in str(event["summary"]) and "Kouter 1, 9000" == str(event["location"])
    text = body.decode()
    assert CITIZEN not in text and "478123456" not in text and "478 12 34 56" not in text

    # Moved: the same event (same UID), a higher SEQUENCE.
    service.reschedule(reference, free[3], now=now)
    [moved] = Calendar.from_ical(await (await calendar_app.get(f"/agenda/{token}.ics")).read()).walk("VEVENT")
    assert str(moved["uid"]) == f"{reference}@verwijzing" and int(moved["sequence"]) == 1
    assert moved.decoded("dtstart") != event.decoded("dtstart")

    # A new address: the old one stops at once.
    renewed = await lotte.post("/staff/agenda/kalender/nieuw", data={"csrf": lotte.csrf})
    assert renewed.status == 200 and "Het oude adres werkt niet meer" in await renewed.text()
    _, new_token = await feed_address(lotte)
    assert new_token != token
    assert (await calendar_app.get(f"/agenda/{token}.ics")).status == 404
    assert (await calendar_app.get(f"/agenda/{new_token}.ics")).status == 200
    # Cancelled: the block leaves the feed.
    service.cancel(reference, now=now)
    assert Calendar.from_ical(await (await calendar_app.get(f"/agenda/{new_token}.ics")).read()).walk("VEVENT") == []
    # Stopped: no address works.
    assert (await lotte.post("/staff/agenda/kalender/stop", data={"csrf": lotte.csrf})).status == 200
    assert (await calendar_app.get(f"/agenda/{new_token}.ics")).status == 404
    # The token is not readable in the database, and the access log leaves it out.
    assert new_token not in str(dump_rows(db)) and token not in str(dump_rows(db))
    assert loggable_path(f"/agenda/{token}.ics") == "/agenda/…"
    assert loggable_path("/staff/welkom/abc") == "/staff/welkom/…"
    assert (await calendar_app.get("/agenda/niet-bestaand.ics")).status == 404
    # Another role has no feed page: a consulent gets "Geen toegang".
    assert (await beheerder.get("/staff/agenda/kalender")).status == 403
