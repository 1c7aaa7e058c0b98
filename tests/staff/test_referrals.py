"""The referral pages on a real database (SQLite and PostgreSQL): the list and its filters, the
detail with the decision snapshot, the transcript of a conversation that asked for a person (with
national and phone numbers redacted), the CSV export, the audit of each view, and no page
without a login."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.support.database import valid_insz
from verwijzing.decision.facts import parse_facts
from verwijzing.decision.screening import screen
from verwijzing.gateway import init_app
from verwijzing.gateway.staff.referrals import spreadsheet_safe
from verwijzing.referrals.record import KEPT_FACTS, attach_booking, record_decision
from verwijzing.store import AuditEntry, make_sessionmaker
from verwijzing.store.models import Booking, Counsellor, CounsellorModality, Slot

UTC = dt.UTC
DAY = dt.date(2027, 2, 1)
PERSON = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen", "werkervaring_jaren": 12.0,
          "opleidingsniveau": "kort", "leeftijd": 45, "eerder_gebruikt_uren": 0, "eerder_gebruikt_trajecten": 0}
JOB_SEEKER = {**PERSON, "hulpvraag": "werk_zoeken", "werkstatus": "werkzoekende"}
INSZ = valid_insz(dt.date(1985, 7, 30), 33)
TYPED_INSZ = f"{INSZ[:2]}.{INSZ[2:4]}.{INSZ[4:6]}-{INSZ[6:9]}.{INSZ[9:]}"
PHONE = "0470 12 34 56"
SECRET_FORMS = (INSZ, TYPED_INSZ, PHONE, "0470123456", "+32470123456", "470 12 34 56")


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2027, 2, day, hour, 0, tzinfo=UTC)


def _booking(session, reference: str, status: str, start: dt.datetime) -> None:
    counsellor = Counsellor(name="Els Wouters", mandate_valid_from=dt.date(2020, 1, 1),
                            beroepskwalificatie_valid_from=dt.date(2020, 1, 1), office_postcode="9000",
                            province="oost-vlaanderen", region="VLG",
                            modalities=[CounsellorModality(modality="online")])
    slot = Slot(counsellor=counsellor, day=start.date(), starts_at=start, ends_at=start + dt.timedelta(hours=2))
    session.add(Booking(reference=reference, slot=slot, status=status, channel="web", modality="online",
                        citizen_key="k" * 64, phone=None, idempotency_key=f"idem-{reference}", created_at=start,
                        held_until=start, confirmed_at=start))


# Rasa's SQL tracker store table, as rasa.core.tracker_store.SQLTrackerStore.SQLEvent makes it.
EVENTS = sa.Table("events", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("sender_id", sa.String(255), nullable=False, index=True),
                  sa.Column("type_name", sa.String(255), nullable=False), sa.Column("timestamp", sa.Float),
                  sa.Column("intent_name", sa.String(255)), sa.Column("action_name", sa.String(255)),
                  sa.Column("data", sa.Text))


def _event(sender: str, data: dict) -> dict:
    intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
    return {"sender_id": sender, "type_name": data["event"], "timestamp": data["timestamp"],
            "intent_name": intent, "action_name": data.get("name"), "data": json.dumps(data)}


T = at(3).timestamp()
# A conversation where the person gave up and asked for a person; the numbers are in plain text,
# as if the tracker store had not redacted them (the page must redact them again).
HANDOFF_CONVERSATION = [
    {"event": "user", "timestamp": T, "text": f"mijn nummer is {TYPED_INSZ}, bel me op {PHONE}",
     "parse_data": {"intent": {"name": "informeren"}}},
    {"event": "bot", "timestamp": T + 1, "text": "Wat doe je nu?",
     "data": {"buttons": [{"title": "Ik werk", "payload": "/informeren{\"werkstatus\": \"werknemer\"}"}]},
     "metadata": {}},
    {"event": "user", "timestamp": T + 2, "text": "/informeren{\"werkstatus\": \"werknemer\"}",
     "parse_data": {"intent": {"name": "informeren"}}},
    {"event": "user", "timestamp": T + 3, "text": "0", "parse_data": {"intent": {"name": "buiten_bereik"}}},
    {"event": "bot", "timestamp": T + 4, "text": f"Je kan met iemand van VDAB praten. Of bel {PHONE}.",
     "data": {}, "metadata": {"utter_action": "utter_mens"}},
    {"event": "slot", "timestamp": T + 5, "name": "rijksregisternummer", "value": "a" * 64},
]
QUIET_CONVERSATION = [
    {"event": "user", "timestamp": T, "text": "ik wil iets anders doen",
     "parse_data": {"intent": {"name": "informeren"}}},
    {"event": "action", "timestamp": T + 1, "name": "utter_mensen_helpen_je"},  # a name that only looks alike
    {"event": "bot", "timestamp": T + 2, "text": "Wat doe je nu?", "data": {},
     "metadata": {"utter_action": "utter_ask_werkstatus"}},
]
RULE_HANDOFF = [
    {"event": "user", "timestamp": T, "text": "mag ik een mens", "parse_data": {"intent": {"name": "mens_spreken"}}},
    {"event": "action", "timestamp": T + 1, "name": "utter_mens"},
]


@pytest.fixture
def events_table(db):
    EVENTS.create(db)
    yield db
    EVENTS.drop(db)  # the session's database is shared: leave no table the models do not know


@pytest.fixture
def seeded(db, events_table):
    """Five referrals on three channels and days; two bookings; three stored conversations."""
    sessions = make_sessionmaker(db)
    ids = {}
    with sessions.begin() as session:
        def decide(name, facts, channel, when, conversation=None, **extra):
            referral = record_decision(session, decision=screen(parse_facts(facts), DAY), facts=facts,
                                       channel=channel, at=when, conversation_id=conversation, **extra)
            ids[name] = referral.id
        decide("web_geboekt", PERSON, "web", at(1), "web-gesprek-1")
        decide("sms_niet", JOB_SEEKER, "sms", at(2), "sms-gesprek-mens")
        decide("voice_mens", PERSON, "voice", at(3), "voice-gesprek-regel")
        decide("web_geannuleerd", PERSON, "web", at(4), "web-gesprek-2")
        decide("staff", PERSON, "staff", at(5, 9), None, staff_member="consulent9", consent="telefonisch",
               override={"route": "competentiecheck", "reden": f"Eerst competenties; zijn gsm {PHONE}"})
        _booking(session, "LK-AAAA", "confirmed", at(20))
        _booking(session, "LK-BBBB", "cancelled", at(21))
        session.flush()
        attach_booking(session, ids["web_geboekt"], "LK-AAAA")
        attach_booking(session, ids["web_geannuleerd"], "LK-BBBB")
    with db.begin() as connection:
        rows = ([_event("sms-gesprek-mens", e) for e in HANDOFF_CONVERSATION]
                + [_event("web-gesprek-1", e) for e in QUIET_CONVERSATION]
                + [_event("voice-gesprek-regel", e) for e in RULE_HANDOFF])
        connection.execute(EVENTS.insert(), rows)
    return ids


def listed_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/staff/verwijzingen/(\d+)"', html)]


async def test_the_list_is_newest_first_and_each_filter_narrows_it(staff_client, seeded):
    client = await staff_client()
    ids = seeded

    async def listed(query: str = "") -> list[int]:
        response = await client.get(f"/staff/verwijzingen{query}")
        assert response.status == 200, await response.text()
        return listed_ids(await response.text())

    assert await listed() == [ids[k] for k in ("staff", "web_geannuleerd", "voice_mens", "sms_niet", "web_geboekt")]
    assert await listed("?kanaal=web") == [ids["web_geannuleerd"], ids["web_geboekt"]]
    assert await listed("?route=vdab_bemiddeling") == [ids["sms_niet"]]
    assert await listed("?route=competentiecheck") == [ids["staff"]]  # the consulent's route counts
    assert await listed("?status=geboekt") == [ids["web_geboekt"]]
    assert await listed("?status=geannuleerd") == [ids["web_geannuleerd"]]
    assert await listed("?status=niet") == [ids["sms_niet"]]
    assert await listed("?status=in_aanmerking") == [ids["staff"], ids["voice_mens"]]
    assert await listed("?referentie=lk-aaaa") == [ids["web_geboekt"]]
    assert await listed("?van=2027-02-02&tot=2027-02-03") == [ids["voice_mens"], ids["sms_niet"]]
    assert await listed("?mens=1") == [ids["voice_mens"], ids["sms_niet"]]
    assert await listed("?mens=1&kanaal=sms") == [ids["sms_niet"]]


async def test_the_filter_form_has_a_label_for_every_field_and_keeps_its_values(staff_client, seeded):
    client = await staff_client()
    html = await (await client.get("/staff/verwijzingen?kanaal=sms&status=niet&van=2027-02-01")).text()
    for field in ("referentie", "van", "tot", "route", "status", "kanaal", "mens"):
        assert f'<label for="{field}"' in html and f'id="{field}"' in html
    assert '<option value="sms" selected>' in html and '<option value="niet" selected>' in html
    assert 'value="2027-02-01"' in html
    assert 'href="/staff/verwijzingen.csv?van=2027-02-01&amp;status=niet&amp;kanaal=sms"' in html


async def test_a_bad_filter_is_a_400_that_says_which_field(staff_client, seeded):
    client = await staff_client()
    response = await client.get("/staff/verwijzingen?van=1-2-2027")
    assert response.status == 400
    assert "Van: geef een datum als JJJJ-MM-DD" in await response.text()
    response = await client.get("/staff/verwijzingen?kanaal=fax")
    assert response.status == 400 and "Kanaal: onbekende keuze" in await response.text()
    assert (await client.get("/staff/verwijzingen.csv?tot=gisteren")).status == 400


async def test_the_list_pages_by_50(staff_client, db):
    sessions = make_sessionmaker(db)
    with sessions.begin() as session:
        for minute in range(51):
            record_decision(session, decision=screen(parse_facts(PERSON), DAY), facts=PERSON, channel="web",
                            at=at(1) + dt.timedelta(minutes=minute))
    client = await staff_client()
    first = await (await client.get("/staff/verwijzingen")).text()
    second = await (await client.get("/staff/verwijzingen?pagina=2")).text()
    assert len(listed_ids(first)) == 50 and len(listed_ids(second)) == 1
    assert "51 verwijzingen, pagina 1 van 2" in first and 'href="?pagina=2"' in first
    assert listed_ids(second)[0] < min(listed_ids(first))  # the oldest comes last


async def test_the_detail_shows_the_decision_its_sources_the_facts_and_the_booking(staff_client, seeded, db):
    client = await staff_client()
    response = await client.get(f"/staff/verwijzingen/{seeded['web_geboekt']}")
    html = await response.text()
    assert response.status == 200
    decision = screen(parse_facts(PERSON), DAY)
    for reason in decision.redenen:
        assert reason.bron.replace("'", "&#39;") in html
    assert "loopbaankrediet" in html and "15 euro per uur" in html
    assert "opleidingsniveau</th>" in html and "<td>kort</td>" in html and "<td>45</td>" in html
    assert "LK-AAAA" in html and "Els Wouters" in html and "20-02-2027 11:00 tot 13:00" in html  # Brussels time
    assert "Vroeg naar een mens</dt><dd>nee" in html
    with make_sessionmaker(db)() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "bekeken")).one()
    assert (entry.actor, entry.subject) == (f"staff:{client.login}", f"verwijzing:{seeded['web_geboekt']}")


async def test_a_staff_referral_shows_the_override_its_reason_and_the_consent(staff_client, seeded):
    client = await staff_client()
    html = await (await client.get(f"/staff/verwijzingen/{seeded['staff']}")).text()
    assert "Gewijzigd door de consulent" in html and "Eerst competenties; zijn gsm [telefoon]" in html
    assert "Route van de regels</dt><dd>loopbaankrediet" in html and "Gekozen route</dt><dd>competentiecheck" in html
    assert "Toestemming</dt><dd>telefonisch" in html and "consulent9" in html
    assert "0470" not in html


async def test_the_transcript_of_a_handoff_is_shown_redacted_and_audited(staff_client, seeded, db):
    client = await staff_client()
    detail = await (await client.get(f"/staff/verwijzingen/{seeded['sms_niet']}")).text()
    link = f"/staff/verwijzingen/{seeded['sms_niet']}/gesprek"
    assert f'href="{link}"' in detail
    response = await client.get(link)
    html = await response.text()
    assert response.status == 200
    assert "mijn nummer is [rijksregisternummer], bel me op [telefoon]" in html
    assert "Of bel [telefoon]." in html and "(verwijst naar een mens)" in html
    assert "<td>Ik werk</td>" in html  # the button's title, as the person saw it, not its payload
    for secret in SECRET_FORMS:
        assert secret not in html, secret
    assert "a" * 64 not in html  # slot values are not part of a transcript
    with make_sessionmaker(db)() as session:
        details = [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "bekeken"))]
    assert {"pagina": "gesprek"} in details


async def test_a_rule_handoff_counts_and_a_conversation_without_one_has_no_transcript(staff_client, seeded):
    client = await staff_client()
    assert (await client.get(f"/staff/verwijzingen/{seeded['voice_mens']}/gesprek")).status == 200
    assert (await client.get(f"/staff/verwijzingen/{seeded['web_geboekt']}/gesprek")).status == 404
    assert (await client.get(f"/staff/verwijzingen/{seeded['staff']}/gesprek")).status == 404
    assert (await client.get("/staff/verwijzingen/999999")).status == 404
    assert (await client.get("/staff/verwijzingen/abc")).status == 404


async def test_without_rasa_s_table_the_list_still_works_and_nobody_asked_for_a_person(staff_client, db):
    with make_sessionmaker(db).begin() as session:
        record_decision(session, decision=screen(parse_facts(PERSON), DAY), facts=PERSON, channel="web",
                        at=at(1), conversation_id="nergens")
    client = await staff_client()
    assert len(listed_ids(await (await client.get("/staff/verwijzingen")).text())) == 1
    assert listed_ids(await (await client.get("/staff/verwijzingen?mens=1")).text()) == []


async def test_the_csv_export_follows_the_filter_and_holds_no_personal_numbers(staff_client, seeded, db):
    client = await staff_client()
    response = await client.get("/staff/verwijzingen.csv?kanaal=web")
    body = await response.text()
    assert response.status == 200 and response.content_type == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="verwijzingen.csv"'
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["id"] for r in rows] == [str(seeded["web_geannuleerd"]), str(seeded["web_geboekt"])]
    assert rows[1]["status"] == "geboekt" and rows[1]["boekingsreferentie"] == "LK-AAAA"
    assert rows[1]["opleidingsniveau"] == "kort" and rows[1]["leeftijd"] == "45" and rows[1]["vroeg_mens"] == "nee"
    assert set(KEPT_FACTS) <= set(rows[0])
    everything = (await (await client.get("/staff/verwijzingen.csv")).text())
    for secret in (*SECRET_FORMS, "[telefoon]", "Eerst competenties", "sms-gesprek-mens", "web-gesprek-1"):
        assert secret not in everything, secret  # no numbers, no free text, no conversation ids
    staff_row = next(r for r in csv.DictReader(io.StringIO(everything)) if r["kanaal"] == "staff")
    assert (staff_row["gewijzigd"], staff_row["oorspronkelijke_route"], staff_row["toestemming"]) == (
        "ja", "loopbaankrediet", "telefonisch")
    with make_sessionmaker(db)() as session:
        exports = [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "export"))]
    assert {"wat": "verwijzingen", "regels": 2, "kanaal": "web"} in exports


@pytest.mark.parametrize("path", ["/staff/verwijzingen", "/staff/verwijzingen.csv", "/staff/verwijzingen/1",
                                  "/staff/verwijzingen/1/gesprek"])
async def test_no_referral_page_without_a_login(aiohttp_client, staff_config, path):
    client = await aiohttp_client(init_app(staff_config))
    response = await client.get(path, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/staff/login?next=")


@pytest.mark.parametrize("cell, shown", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("loopbaankrediet", "loopbaankrediet"), (12, 12), ("", ""),
])
def test_a_csv_cell_never_runs_as_a_formula(cell, shown):
    assert spreadsheet_safe(cell) == shown


def test_the_staff_transcript_shows_no_number_in_any_spelling_even_if_one_was_stored():
    # Issue 18: the transcript redacts again with the one function (verwijzing_rasa.pii.redact),
    # so a number that reached the store some other way is still not shown to staff.
    from tests.support.spellings import PHONES_SPELLED, SPELLED
    from verwijzing.gateway.staff.referrals import transcript_lines
    from verwijzing_rasa.pii import digits
    numbers = [valid_insz(dt.date(1970, 1, 1) + dt.timedelta(days=40 * i), 11 + i) for i in range(len(SPELLED))]
    events = [{"event": "user", "timestamp": 1.0, "text": f"nummer {spell(n)}, gsm {phone}"}
              for spell, n, phone in zip(SPELLED, numbers, PHONES_SPELLED, strict=True)]
    events.append({"event": "bot", "timestamp": 2.0, "text": f"Je gaf {numbers[0]}.", "data": {}})
    shown = repr(transcript_lines(events))
    assert not any(n in digits(shown) for n in numbers) and "470123456" not in digits(shown)
