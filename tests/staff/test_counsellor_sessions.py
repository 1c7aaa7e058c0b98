"""A counsellor records a first session in the console (issue 19, deliverable 6), through the real
gateway on SQLite and PostgreSQL: held with the national number from the identity card (the
ledger is debited, the dashboard counts it attended), a number that does not match (nothing
debited, never echoed back), a no-show, a session called off (the person gets an SMS), and the
monthly overview."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from tests.staff.test_counsellor_accounts import counsellor_client, register  # noqa: F401 - the fixture
from tests.support.database import dump_rows, valid_insz
from verwijzing.booking import BookingService
from verwijzing.config import now_on
from verwijzing.nl_be import BRUSSELS
from verwijzing.store import LedgerEntry, Slot, make_sessionmaker
from verwijzing.store.models import OutboxMessage

CITIZEN = valid_insz(dt.date(1988, 4, 12), 71)
SPELLED = f"{CITIZEN[:2]}.{CITIZEN[2:4]}.{CITIZEN[4:6]}-{CITIZEN[6:9]}.{CITIZEN[9:]}"  # as on the card
SOMEONE_ELSE = valid_insz(dt.date(1970, 9, 9), 12)
DAY = dt.date(2027, 3, 10)


def booking_at(db, counsellor_id: int, starts: dt.datetime, key: str, insz: str = CITIZEN) -> str:
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        slot = Slot(counsellor_id=counsellor_id, day=starts.astimezone(BRUSSELS).date(), starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2))
        session.add(slot)
        session.flush()
        slot_id = slot.id
    service = BookingService(sessions, pepper=b"staff-test-pepper")
    before = starts - dt.timedelta(days=2)
    held = service.hold(slot_id, "sms", key, modality="op_locatie", now=before)
    return service.confirm(held.reference, insz=insz, phone="+32470111222", now=before).reference


def reasons(db, reference: str) -> list[str]:
    with make_sessionmaker(db)() as session:
        return list(session.scalars(select(LedgerEntry.reason).where(LedgerEntry.booking_reference == reference)
                                    .order_by(LedgerEntry.id)))


async def test_a_counsellor_records_held_no_show_and_called_off(aiohttp_client, staff_config, staff_client, db,
                                                                register, monkeypatch):  # noqa: F811
    # Under the loopbaankrediet (2027): a session held is debited from the credit.
    monkeypatch.setenv("VERWIJZING_PEILDATUM", DAY.isoformat())
    config = dataclasses.replace(staff_config, peildatum_override=DAY)
    beheerder = await staff_client("beheerder")
    lotte = await counsellor_client(aiohttp_client, config, db, beheerder, register["LK-1"], "lotte@example.be")
    now = now_on(DAY).astimezone(dt.UTC).replace(microsecond=0)
    earlier = booking_at(db, register["LK-1"], now - dt.timedelta(hours=1), "k-1")
    missed = booking_at(db, register["LK-1"], now - dt.timedelta(days=1), "k-2")
    coming = booking_at(db, register["LK-1"], now + dt.timedelta(days=3), "k-3")
    wout_s = booking_at(db, register["LK-2"], now - dt.timedelta(hours=1), "k-4",
                        insz=valid_insz(dt.date(1991, 1, 1), 5))

    page = await (await lotte.get("/staff/agenda/gesprekken")).text()
    assert earlier in page and missed in page and coming in page and wout_s not in page

    wrong = await lotte.post(f"/staff/agenda/gesprekken/{earlier}", data={
        "csrf": lotte.csrf, "uitkomst": "gehouden", "rijksregisternummer": SOMEONE_ELSE})
    text = await wrong.text()
    assert wrong.status == 409 and "hoort niet bij deze afspraak" in text and "Er is niets afgeboekt" in text
    assert SOMEONE_ELSE not in text and reasons(db, earlier) == ["reserve"]

    held = await lotte.post(f"/staff/agenda/gesprekken/{earlier}", data={
        "csrf": lotte.csrf, "uitkomst": "gehouden", "rijksregisternummer": SPELLED}, allow_redirects=False)
    assert held.status == 302
    assert "is geregistreerd als gehouden" in await (await lotte.get(held.headers["Location"])).text()
    assert reasons(db, earlier) == ["reserve", "release", "debit"]

    no_show = await lotte.post(f"/staff/agenda/gesprekken/{missed}", data={"csrf": lotte.csrf,
                                                                           "uitkomst": "niet_opgedaagd"})
    assert no_show.status == 200 and reasons(db, missed) == ["reserve", "release"]

    not_sure = await lotte.post(f"/staff/agenda/gesprekken/{coming}", data={"csrf": lotte.csrf, "uitkomst": "afgezegd"})
    assert not_sure.status == 400 and "Vink aan" in await not_sure.text()
    called_off = await lotte.post(f"/staff/agenda/gesprekken/{coming}", data={
        "csrf": lotte.csrf, "uitkomst": "afgezegd", "zeker": "ja"})
    assert called_off.status == 200 and "De persoon krijgt een sms" in await called_off.text()
    with make_sessionmaker(db)() as session:
        sms = session.scalars(select(OutboxMessage.body).where(OutboxMessage.booking_reference == coming)
                              .order_by(OutboxMessage.id)).all()[-1]
    assert "je begeleider kan dan niet" in sms

    # Another counsellor's booking: refused, and nothing changes.
    other = await lotte.post(f"/staff/agenda/gesprekken/{wout_s}", data={"csrf": lotte.csrf,
                                                                         "uitkomst": "niet_opgedaagd"})
    assert other.status == 409 and "niet in jouw agenda" in await other.text()
    assert reasons(db, wout_s) == ["reserve"]

    # The monthly overview lists the session held, with the fee and its status from the policy data.
    month = (now - dt.timedelta(hours=1)).astimezone(BRUSSELS)
    overview = await (await lotte.get(f"/staff/agenda/overzicht?maand={month:%Y-%m}")).text()
    assert earlier in overview and missed not in overview and "€" in overview

    # The dashboard's funnel counts it attended (a beheerder's view).
    assert (await beheerder.get("/staff/dashboard")).status == 200
    # The national number typed is kept nowhere, in no spelling.
    stored = str(dump_rows(db))
    assert CITIZEN not in stored and SPELLED not in stored and SOMEONE_ELSE not in stored
