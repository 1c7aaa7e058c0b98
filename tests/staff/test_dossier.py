"""A case found by its code (`/staff/dossier`): a consulent at a counter types the code the person
gives, and sees where the case stands, the referrals made in that conversation with their
bookings, and can take it when it waits. Each look is in the audit log; a code that cannot be a
case code is never looked up; a code of no case says so."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from verwijzing.enums import Channel
from verwijzing.handover import queue
from verwijzing.store.models import AuditEntry, Referral

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)


def a_case(db, sender: str, *, waiting: bool = False, booked: str | None = None) -> str:
    with Session(db) as session, session.begin():
        case = queue.ensure_case(session, sender, Channel.WEB, NOW)
        if waiting:
            queue.open_case(session, sender, Channel.WEB, NOW)
        session.add(Referral(created_at=NOW, route="loopbaankrediet", regime="loopbaankrediet", in_aanmerking=True,
                             channel="web", facts={}, decision={}, conversation_id=sender, booking_reference=booked))
        return case.code


async def test_a_consulent_finds_a_case_by_the_code_the_person_gives(staff_client, db):
    code = a_case(db, "web-dossier-1", booked="LK-7K3P")
    client = await staff_client("consulent")
    page = await client.get(f"/staff/dossier?code={code[:3].lower()} {code[3:]}")  # as it is said
    html = await page.text()
    assert page.status == 200 and f"Dossier {code}" in html
    assert "met de assistent" in html and "afspraak LK-7K3P" in html and 'href="/staff/verwijzingen/' in html
    assert "Gesprek overnemen" not in html  # nobody asked for a person
    with Session(db) as session:
        looked = session.scalars(select(AuditEntry).where(AuditEntry.action == "dossier_bekeken")).all()
    assert [(a.actor, a.subject) for a in looked] == [(f"staff:{client.login}", code)]


async def test_a_waiting_case_can_be_taken_from_its_dossier(staff_client, db):
    code = a_case(db, "web-dossier-2", waiting=True)
    client = await staff_client("consulent")
    html = await (await client.get(f"/staff/dossier?code={code}")).text()
    assert "wacht op een consulent" in html and f'action="/staff/wachtrij/{code}/overnemen"' in html


async def test_no_case_and_no_code_say_so_plainly(staff_client, db):
    client = await staff_client("consulent")
    empty = await client.get("/staff/dossier")
    assert empty.status == 200 and "Dossier zoeken" in await empty.text()
    unknown = await client.get("/staff/dossier?code=HK7M3P")
    assert unknown.status == 404 and "Er is geen dossier met die code" in await unknown.text()
    not_a_code = await client.get("/staff/dossier?code=<script>")
    assert not_a_code.status == 400 and "Een dossiercode heeft 6 tekens" in await not_a_code.text()
    with Session(db) as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "dossier_bekeken")).all() == []
