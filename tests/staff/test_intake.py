"""The guided intake in the staff console, through the real gateway on a real database (SQLite and
PostgreSQL): a consulent screens a citizen with the same rules engine as the chat, refers (and
may override only with a written reason), books a block through the same booking service, and
gets a printable confirmation. The national number typed on the booking page ends up in no table
and no page."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.rules.golden import golden_cases
from tests.staff.conftest import csrf_of, log_in
from tests.support.database import dump_rows, valid_insz
from verwijzing.cli import SCREEN_DEFAULTS
from verwijzing.decision.facts import parse_facts
from verwijzing.decision.screening import screen
from verwijzing.gateway import init_app
from verwijzing.places.postcodes import province_of, region_of
from verwijzing.privacy.insz import citizen_key
from verwijzing.referrals.record import decision_snapshot
from verwijzing.store import make_sessionmaker
from verwijzing.store.models import (
    AuditEntry,
    Booking,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    LedgerEntry,
    OutboxMessage,
    Referral,
    Slot,
)

PEILDATUM = dt.date(2027, 3, 1)
PEPPER = "staff-test-pepper"  # the staff_config fixture's VERWIJZING_INSZ_PEPPER
CITIZEN = valid_insz(dt.date(1985, 7, 30), 33)
TYPED_CITIZEN = f"{CITIZEN[:2]}.{CITIZEN[2:4]}.{CITIZEN[4:6]}-{CITIZEN[6:9]}.{CITIZEN[9:]}"
PHONE = "0470 12 34 56"
# A golden case: werknemer, 12 years, Gent, 41, secondary diploma, a career question.
ELIGIBLE = {"toestemming": "in_persoon", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
            "woonregio": "vlaanderen", "werkervaring_jaren": "12", "leeftijd": "41", "opleidingsniveau": "midden",
            "eerder_loopbaancheque": "nee", "eerder_gebruikt_uren": "0"}
# The console works with the regime in force on its reference date; scenarios are the dashboard's.
CASES = [case for case in golden_cases() if "regime" not in case.input]


# ---- reading the pages -------------------------------------------------------------------------


VOID = {"input", "br", "img", "meta", "link", "hr"}


class Page(HTMLParser):
    """What a consulent sees: the rows of the tables, the dt/dd pairs, hidden and filled fields."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self.facts: dict[str, str] = {}
        self.hidden: dict[str, list[tuple[str, str]]] = {}
        self.radios: dict[str, list[str]] = {}
        self.checked: dict[str, str] = {}
        self.alerts: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._dt: str | None = None
        self._text: list[str] | None = None
        self._alert = 0
        self._form: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = a.get("action")
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("dt", "dd"):
            self._text = []
        elif tag == "input" and a.get("type") == "hidden" and a.get("name") != "csrf":
            self.hidden.setdefault(self._form or "", []).append((a["name"], a.get("value") or ""))
        elif tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a["value"])
            if "checked" in a:
                self.checked[a["name"]] = a["value"]
        if a.get("role") == "alert" or (self._alert and tag not in VOID):
            self._alert += 1
            if a.get("role") == "alert":
                self.alerts.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "dt" and self._text is not None:
            self._dt, self._text = " ".join("".join(self._text).split()), None
        elif tag == "dd" and self._text is not None and self._dt:
            self.facts[self._dt] = " ".join("".join(self._text).split())
            self._text = None
        if self._alert:
            self._alert -= 1

    def handle_data(self, data):
        for collector in (self._cell, self._text):
            if collector is not None:
                collector.append(data)
        if self._alert:
            self.alerts[-1] += data


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


async def page(client, method: str, path: str, data: dict | list | None = None, status: int = 200) -> str:
    if data is not None:
        data = [*(data.items() if isinstance(data, dict) else data), ("csrf", client.csrf)]
    response = await client.request(method, path, data=data, allow_redirects=False)
    text = await response.text()
    client.pages.append(text)
    assert response.status == status, f"{method} {path}: {response.status}\n{text[:3000]}"
    return text if status != 303 else response.headers["Location"]


def form_of(case_input: dict) -> dict[str, str]:
    """A golden case as a consulent fills in the form (the contract's defaults where the case has none)."""
    values = {**SCREEN_DEFAULTS, **case_input}
    values.pop("eerder_gebruikt_trajecten")
    form = {"toestemming": "telefonisch"}
    for name, value in values.items():
        if isinstance(value, bool):
            form[name] = "ja" if value else "nee"
        elif isinstance(value, float):
            form[name] = str(value).replace(".", ",")  # as typed in Flanders
        else:
            form[name] = str(value)
    return form


def referrals(db) -> list[Referral]:
    with make_sessionmaker(db)() as session:
        return list(session.scalars(select(Referral).order_by(Referral.id)))


def audit(db, action: str) -> list[AuditEntry]:
    with make_sessionmaker(db)() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def add_counsellor(db, *, slots: int = 3, postcode: str = "9000") -> list[int]:
    """One counsellor in Gent (all modalities) with `slots` blocks on the day after the reference date."""
    with make_sessionmaker(db).begin() as session:
        counsellor = Counsellor(
            name="Begeleider Gent", mandate_valid_from=dt.date(2020, 1, 1), mandate_valid_to=None,
            beroepskwalificatie_valid_from=dt.date(2020, 1, 1), beroepskwalificatie_valid_to=None,
            office_postcode=postcode, province=province_of(postcode), region=region_of(postcode),
            modalities=[CounsellorModality(modality=m) for m in ("op_locatie", "online", "telefoon")],
            languages=[CounsellorLanguage(language="nl")])
        session.add(counsellor)
        day = PEILDATUM + dt.timedelta(days=1)
        brussels = dt.timezone(dt.timedelta(hours=1))  # March: CET
        made = [Slot(counsellor=counsellor, day=day, starts_at=dt.datetime(2027, 3, 2, 9 + 3 * i, tzinfo=brussels),
                     ends_at=dt.datetime(2027, 3, 2, 11 + 3 * i, tzinfo=brussels)) for i in range(slots)]
        session.add_all(made)
        session.flush()
        return [s.id for s in made]


async def refer(client, form: dict = ELIGIBLE, extra: list | None = None, status: int = 303) -> str:
    """Screen, then make the referral from the decision page's own hidden fields."""
    decision = Page(await page(client, "POST", "/staff/intake", form))
    return await page(client, "POST", "/staff/intake/verwijzing",
                      [*decision.hidden["/staff/intake/verwijzing"], *(extra or [])], status=status)


# ---- the decision ------------------------------------------------------------------------------


async def test_every_golden_case_gets_the_rules_engines_decision_and_is_recorded_as_it(console, db):
    by_day: dict[dt.date, list] = {}
    for case in CASES:
        by_day.setdefault(case.date, []).append(case)
    assert len(CASES) >= 45 and len(by_day) >= 4  # both regimes and their boundaries
    for day, cases in by_day.items():
        client = await console(day)
        for case in cases:
            facts = parse_facts({**SCREEN_DEFAULTS, **case.input})
            expected = screen(facts, day)
            shown = Page(await page(client, "POST", "/staff/intake", form_of(case.input)))
            assert shown.facts["In aanmerking"] == ("Ja" if case.output["in_aanmerking"] else "Nee"), case.name
            assert expected.route.value == case.output.get("route", expected.route.value), case.name
            # Every reason of the rules engine, in its order, with its source.
            assert shown.rows[1:] == [[{True: "Voldaan", False: "Niet voldaan", None: "Ter info"}[r.voldaan],
                                       r.uitleg, r.bron] for r in expected.redenen], case.name
            # The referral is made from the page's hidden facts: screened again, the same decision.
            location = await page(client, "POST", "/staff/intake/verwijzing",
                                  shown.hidden["/staff/intake/verwijzing"], status=303)
            recorded = referrals(db)[-1]
            assert location.startswith(f"/staff/intake/{recorded.id}/"), case.name
            assert recorded.decision == decision_snapshot(expected), case.name
            assert (recorded.route, recorded.channel, recorded.staff_member, recorded.consent) == (
                expected.route.value, "staff", client.login, "telefonisch"), case.name
            assert recorded.override is None


async def test_the_decision_page_shows_what_to_read_out_and_the_sources(console):
    client = await console()
    html = await page(client, "POST", "/staff/intake", {**ELIGIBLE, "opleidingsniveau": "kort"})
    shown = Page(html)
    assert shown.facts["Route"] == "Loopbaankrediet"
    assert shown.facts["Bijdrage per uur"] == "15 euro"
    assert shown.facts["Toestemming"] == "In persoon, aan de balie"
    assert "Goed nieuws! Je hebt recht op het loopbaankrediet." in html  # the citizen's own text
    assert "Jij hebt geen diploma van het middelbaar. Je betaalt dus 15 euro per uur" in html
    assert all(row[2] for row in shown.rows[1:]), "every reason names its source"


async def test_a_question_the_rules_can_answer_at_once_needs_no_other_fact(console, db):
    client = await console()
    shown = Page(await page(client, "POST", "/staff/intake", {"toestemming": "in_persoon", "hulpvraag": "burnout"}))
    assert shown.facts["Route"] == "Zorg (huisarts, psycholoog)"
    location = await refer(client, {"toestemming": "in_persoon", "hulpvraag": "burnout"})
    # Not a route with a booking: straight to the confirmation, with the next step to read out.
    assert location.endswith("/bevestiging")
    html = await page(client, "GET", location)
    assert "maak een afspraak bij je huisarts" in " ".join(html.split())
    assert (await client.get(location.replace("bevestiging", "boeken"), allow_redirects=False)).status == 303


async def test_what_is_missing_or_wrong_is_said_on_the_form_and_what_was_typed_stays(console, db):
    client = await console()
    html = await page(client, "POST", "/staff/intake", {
        "hulpvraag": "loopbaan", "werkstatus": "werknemer", "leeftijd": "41", "werkervaring_jaren": "twaalf",
        "woonregio": "vlaanderen"}, status=400)
    shown = Page(html)
    assert "Kies hoe de persoon toestemming gaf. Zonder toestemming kan je niet verder." in shown.alerts[0]
    assert "Vul de werkervaring in als een getal in jaren, bijvoorbeeld 7 of 7,5." in shown.alerts[0]
    assert 'value="41"' in html and 'value="twaalf"' in html
    assert shown.checked == {"werkstatus": "werknemer"}
    assert 'aria-invalid="true"' in html

    # Now the number is right but the rules need the diploma, and someone in another EEA country
    # needs to say where they work: every empty fact the rules still need is named at once.
    html = await page(client, "POST", "/staff/intake", {
        "toestemming": "telefonisch", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
        "werkervaring_jaren": "12", "woonregio": "eer_buitenland"}, status=400)
    alerts = Page(html).alerts[0]
    assert "Kies waar de persoon werkt: dat telt voor wie in een ander land van de EER woont." in alerts
    assert "Vul de leeftijd in." in alerts and "Kies het hoogste diploma." in alerts

    # Values that are not on the form, a negative age, experience longer than a life.
    for bad, message in ((("werkstatus", "baas"), "Kies een van de mogelijkheden."),
                         (("leeftijd", "-3"), "Vul de leeftijd in als een getal in jaren"),
                         (("werkervaring_jaren", "50"), "De werkervaring kan niet langer zijn dan de leeftijd.")):
        html = await page(client, "POST", "/staff/intake", {**ELIGIBLE, bad[0]: bad[1]}, status=400)
        assert message in Page(html).alerts[0], bad
    assert referrals(db) == []


async def test_a_form_without_its_csrf_token_is_refused(console):
    client = await console()
    response = await client.post("/staff/intake", data={**ELIGIBLE, "csrf": "verkeerd"}, allow_redirects=False)
    assert response.status == 403


async def test_the_facts_can_be_changed_from_the_decision_page(console):
    client = await console()
    shown = Page(await page(client, "POST", "/staff/intake", ELIGIBLE))
    html = await page(client, "POST", "/staff/intake", shown.hidden["/staff/intake"])
    assert "<h1>Nieuwe verwijzing</h1>" in html and 'value="12"' in html


# ---- override ----------------------------------------------------------------------------------


async def test_another_route_needs_a_written_reason_of_twenty_characters(console, db):
    client = await console()
    html = await refer(client, extra=[("andere_route", "competentiecheck"), ("reden", "  wil   eerst testen ")],
                       status=400)
    assert "Schrijf waarom, in minstens 20 tekens. Nu zijn het er 16." in Page(html).alerts[0]
    assert "wil   eerst testen" in html  # what was typed stays
    assert referrals(db) == [] and audit(db, "override") == []

    reason = "Wil eerst weten wat ze kan; belt 0470 12 34 56 terug"
    location = await refer(client, extra=[("andere_route", "competentiecheck"), ("reden", reason)])
    assert location.endswith("/bevestiging")  # a competence check has no booking here
    recorded = referrals(db)[-1]
    assert recorded.route == "competentiecheck" and recorded.decision["route"] == "loopbaankrediet"
    assert recorded.override["route"] == "competentiecheck" and "0470" not in recorded.override["reden"]
    [entry] = audit(db, "override")
    assert (entry.actor, entry.subject, entry.detail) == (
        f"staff:{client.login}", f"verwijzing:{recorded.id}", {"van": "loopbaankrediet", "naar": "competentiecheck"})
    html = " ".join((await page(client, "GET", location)).split())
    assert "Competentiecheck (gekozen door de consulent; de regels gaven: Loopbaankrediet)" in html


async def test_choosing_the_route_the_rules_gave_is_no_override(console, db):
    client = await console()
    location = await refer(client, extra=[("andere_route", "loopbaankrediet"), ("reden", "")])
    assert location.endswith("/boeken")
    assert referrals(db)[-1].override is None and audit(db, "override") == []


# ---- booking -----------------------------------------------------------------------------------


async def test_a_block_is_booked_through_the_booking_service_and_the_number_is_kept_nowhere(console, db):
    slots = add_counsellor(db)
    client = await console()
    location = await refer(client)
    referral = referrals(db)[-1]
    assert location == f"/staff/intake/{referral.id}/boeken"

    search = Page(await page(client, "GET", f"{location}?modaliteit=op_locatie&postcode=9000"))
    assert search.radios["moment"] == [str(s) for s in slots]
    hidden = search.hidden[location]
    chosen = [*hidden, ("moment", str(slots[1])), ("telefoon", PHONE)]

    # A national number with wrong check digits: said plainly, the number is not shown again.
    wrong = CITIZEN[:9] + f"{(int(CITIZEN[9:]) + 1) % 100:02d}"
    html = await page(client, "POST", location, [*chosen, ("rijksregisternummer", wrong)], status=400)
    assert "De laatste twee cijfers (de controlecijfers) kloppen niet." in Page(html).alerts[0]
    assert wrong not in html and 'value="0470 12 34 56"' in html

    assert await page(client, "POST", location, [*chosen, ("rijksregisternummer", TYPED_CITIZEN)],
                      status=303) == f"/staff/intake/{referral.id}/bevestiging"
    with make_sessionmaker(db)() as session:
        [booking] = session.scalars(select(Booking))
        [debit] = session.scalars(select(LedgerEntry).where(LedgerEntry.minutes < 0))
        [sms] = session.scalars(select(OutboxMessage))
        assert (booking.channel, booking.status, booking.slot_id) == ("staff", "confirmed", slots[1])
        assert booking.citizen_key == citizen_key(CITIZEN, PEPPER) == debit.citizen_key
        assert (sms.status, sms.to_number, sms.booking_reference) == ("queued", "+32470123456", booking.reference)
        assert session.get(Referral, referral.id).booking_reference == booking.reference
    [booked] = audit(db, "geboekt")
    assert (booked.actor, booked.subject) == (f"staff:{client.login}", booking.reference)
    assert booked.detail == {"verwijzing": referral.id, "modaliteit": "op_locatie", "sms": True}

    confirmation = await page(client, "GET", f"/staff/intake/{referral.id}/bevestiging")
    facts = Page(confirmation).facts
    assert facts["Referentie"] == booking.reference
    assert facts["Wanneer"] == "dinsdag 2 maart om 12 uur tot 14.00 uur"
    assert facts["Wat je betaalt"].startswith("50 euro voor dit blok.")
    said = " ".join(confirmation.split())
    assert "De sms met de afspraak staat klaar en wordt zo verstuurd (naar het nummer dat eindigt op …56)." in said
    assert "+32470123456" not in confirmation

    # The number in none of its spellings, in no table and no page the consulent saw.
    everything = repr(dump_rows(db)) + "".join(client.pages)
    for form in (CITIZEN, TYPED_CITIZEN, CITIZEN[:9], hashlib.sha256(CITIZEN.encode()).hexdigest()):
        assert form not in everything, form


async def test_a_second_click_books_once_and_a_booked_referral_goes_to_its_confirmation(console, db):
    slots = add_counsellor(db)
    client = await console()
    location = await refer(client)
    search = Page(await page(client, "GET", f"{location}?modaliteit=online"))
    form = [*search.hidden[location], ("moment", str(slots[0])), ("rijksregisternummer", CITIZEN)]
    first = await page(client, "POST", location, form, status=303)
    assert await page(client, "POST", location, form, status=303) == first
    assert (await client.get(location, allow_redirects=False)).headers["Location"] == first
    with make_sessionmaker(db)() as session:
        assert len(session.scalars(select(Booking)).all()) == 1
    html = await page(client, "GET", first)
    assert "Er gaat geen sms: er is geen gsm-nummer gegeven" in " ".join(html.split())


async def test_a_moment_taken_meanwhile_is_said_plainly_and_nothing_is_held(console, db):
    slots = add_counsellor(db, slots=1)
    client = await console()
    first, second = await refer(client), await refer(client)
    forms = {}
    for location in (first, second):
        search = Page(await page(client, "GET", f"{location}?modaliteit=telefoon"))
        forms[location] = [*search.hidden[location], ("moment", str(slots[0])), ("rijksregisternummer", CITIZEN)]
    await page(client, "POST", first, forms[first], status=303)
    html = await page(client, "POST", second, forms[second], status=409)
    assert "Dat moment is net door iemand anders genomen. Kies een ander moment." in Page(html).alerts[0]
    assert "Geen vrije momenten gevonden." in html  # the page offers what is still free: nothing


async def test_a_credit_that_is_used_up_gives_the_moment_back(console, db):
    slots = add_counsellor(db, slots=4)
    client = await console()
    for slot in slots[:3]:  # the whole credit: 3 blocks of 2 hours
        location = await refer(client)
        search = Page(await page(client, "GET", f"{location}?modaliteit=online"))
        await page(client, "POST", location, [*search.hidden[location], ("moment", str(slot)),
                                              ("rijksregisternummer", CITIZEN)], status=303)
    location = await refer(client)
    search = Page(await page(client, "GET", f"{location}?modaliteit=online"))
    html = await page(client, "POST", location, [*search.hidden[location], ("moment", str(slots[3])),
                                                 ("rijksregisternummer", CITIZEN)], status=409)
    assert "Je loopbaankrediet is op: je hebt alle uren al gebruikt." in Page(html).alerts[0]
    assert search.radios["moment"] == [str(slots[3])]
    # The held moment is free again at once: it is offered again.
    assert Page(await page(client, "GET", f"{location}?modaliteit=online")).radios["moment"] == [str(slots[3])]


async def test_the_booking_search_says_what_is_wrong(console, db):
    add_counsellor(db)
    client = await console()
    location = await refer(client)
    html = await page(client, "GET", f"{location}?modaliteit=op_locatie", status=400)
    assert "Vul de postcode van de persoon in" in Page(html).alerts[0]
    html = await page(client, "GET", f"{location}?modaliteit=op_locatie&postcode=0000", status=400)
    assert Page(html).alerts and 'value="0000"' in html
    html = await page(client, "POST", location, [("modaliteit", "online"), ("postcode", "")], status=400)
    alerts = Page(html).alerts[0]
    assert "Kies een moment." in alerts and "Er is geen rijksregisternummer gegeven." in alerts


async def test_odd_input_gets_a_plain_answer_never_a_server_error(console, db):
    add_counsellor(db)
    client = await console()
    location = await refer(client)
    odd = ["", "\x00", "é" * 5000, "-1", "1e400", "nan", "<script>", "9" * 40, "../../etc"]
    for value in odd:
        for name in ("hulpvraag", "werkstatus", "leeftijd", "werkervaring_jaren", "eerder_loopbaancheque",
                     "toestemming", "werkregio", "eerder_gebruikt_uren"):
            response = await client.post("/staff/intake", data={**ELIGIBLE, name: value, "csrf": client.csrf})
            assert response.status in (200, 400), (name, value, response.status)
            assert "<script>" not in await response.text()
        response = await client.post("/staff/intake/verwijzing", data={
            **ELIGIBLE, "andere_route": value, "reden": value * 30, "csrf": client.csrf}, allow_redirects=False)
        assert response.status in (303, 400), (value, response.status)
        response = await client.get(location, params={"modaliteit": value, "postcode": value})
        assert response.status in (200, 400), (value, response.status)
        response = await client.post(location, data={"modaliteit": "online", "moment": value, "telefoon": value,
                                                      "rijksregisternummer": value, "poging": value,
                                                      "csrf": client.csrf}, allow_redirects=False)
        assert response.status in (303, 400, 409), (value, response.status)
        response = await client.post(location, data={"modaliteit": "online", "moment": value, "telefoon": "",
                                                      "rijksregisternummer": CITIZEN, "csrf": client.csrf})
        assert response.status in (400, 409), (value, response.status)
    response = await client.post(location, data={"modaliteit": "online", "moment": "999999999",
                                                  "rijksregisternummer": CITIZEN, "csrf": client.csrf})
    assert response.status == 409 and "Dat moment bestaat niet (meer)." in await response.text()
    assert (await client.get("/staff/intake/1x/boeken")).status == 404


async def test_only_staff_referrals_that_exist_are_opened(console, db):
    client = await console()
    assert (await client.get("/staff/intake/999999/bevestiging")).status == 404
    with make_sessionmaker(db).begin() as session:
        from verwijzing.referrals.record import record_decision
        chat = record_decision(session, decision=screen(parse_facts({"hulpvraag": "burnout"}), PEILDATUM),
                               facts={"hulpvraag": "burnout"}, channel="web", at=dt.datetime.now(dt.UTC))
        chat_id = chat.id
    assert (await client.get(f"/staff/intake/{chat_id}/boeken")).status == 404
