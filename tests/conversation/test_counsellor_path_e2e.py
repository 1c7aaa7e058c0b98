"""Issue 19, point 8: the whole path on an empty database, without demo data. A register of one
counsellor is imported with `verwijzing counsellors import`, the counsellor is invited with
`verwijzing counsellors invite`, opens the e-mailed link in headless Chromium, chooses a password,
sets up the second step and sets weekly hours; the worker (`verwijzing worker --once`) sends the
e-mails and keeps the moments. Three citizens book those moments: by chat (the real Rasa and action
servers), by SMS (the real gateway, Twilio-signed webhooks) and at a consulent's desk (the staff
console's guided intake). The counsellor gets an e-mail with a calendar invitation per booking and
sees the three blocks in the private feed; the next day she records the chat booking's session as
held, so its reservation on the credit becomes a debit while the other two stay reserved, and the
dashboard's funnel and budget count one attended session.

Reference dates: everything books on VERWIJZING_PEILDATUM=2027-02-01 (the credit's regime); the
session is recorded by a second gateway on the day after the chat booking's block, so that the
block has started without waiting for it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from email.message import EmailMessage
from pathlib import Path

import pyotp
import pytest
from icalendar import Calendar
from selenium.webdriver.common.by import By
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from tests.browser.browser import chromium, gateway_settings, require_browser_tools, serving
from tests.browser.test_counsellor_console import Hours
from tests.conversation.stack import TOKEN, free_port, running_stack
from tests.gateway.twilio_requests import TOKEN as TWILIO_TOKEN
from tests.gateway.twilio_requests import sms_fields
from tests.support.database import valid_insz
from verwijzing.booking import BookingService
from verwijzing.enums import BookingStatus
from verwijzing.nl_be import BRUSSELS, weekday_date_words
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing.store.models import Booking, LedgerEntry, Slot

pytestmark = [pytest.mark.rasa, pytest.mark.browser]

DAY = "2027-02-01"  # a Monday, under the loopbaankrediet
PEPPER, CHANNEL_SECRET = "test-pepper", "counsellor-path-secret"  # the stack's pepper (stack.base_env)
MANDATE, NAME, EMAIL = "LK-2027-0001", "Lotte Peeters", "lotte.peeters@begeleiding.example"
# The register's CSV (docs/counsellors.md) as Excel writes it with `;`: a list in a cell is quoted.
REGISTER = ("mandaatnummer;naam;email;telefoon;adres;postcode;modaliteiten;talen;mandaat_van;mandaat_tot;"
            "kwalificatie_van;kwalificatie_tot;rolstoeltoegankelijk\n"
            f'{MANDATE};{NAME};{EMAIL};09 123 45 67;Kouter 1;9000;"op_locatie;online;telefoon";nl;2027-01-01;;'
            "2027-01-01;;ja\n")
PASSWORD = "mijn eigen lange wachtwoord"
CONSULENT, CONSULENT_PASSWORD, CONSULENT_APP = "an.peeters", "een lang wachtwoord voor de test", \
    "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
CHAT_INSZ, SMS_INSZ, DESK_INSZ = (valid_insz(dt.date(1985, 7, 30), 33), valid_insz(dt.date(1979, 4, 12), 57),
                                  valid_insz(dt.date(1990, 11, 3), 81))
CHAT_INTAKE = ["hallo", "ik wil iets anders doen", "bediende", "9000", "12 jaar", "nee",
               "gestopt na het 4de middelbaar"]
# As test_channels_e2e's SMS_ANSWERS: numbers where the question offers numbered choices.
SMS_INTAKE = ["hallo", "1", "1", "9000", "12", "1", "2"]
SMS_PHONE = "+32470123456"
LINK = re.compile(r"http://\S+/staff/welkom/[A-Za-z0-9_-]+")
OPTION = re.compile(r"^(\d+)\. ", re.MULTILINE)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    """The stack on an empty migrated database, the process environment of the gateway, the CLI
    and the worker on the same reference date, and two browsers: the counsellor's and the consulent's."""
    require_browser_tools()
    tmp = tmp_path_factory.mktemp("counsellor-path")
    database = f"sqlite:///{tmp / 'verwijzing.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {"DATABASE_URL": database, "VERWIJZING_PEILDATUM": DAY, "VERWIJZING_INSZ_PEPPER": PEPPER,
                   "VERWIJZING_CHANNEL_SECRET": CHANNEL_SECRET, "PUBLIC_BASE_URL": base,
                   "VERWIJZING_MAIL_MODE": "local", "VERWIJZING_MAIL_DIR": str(tmp / "mail"),
                   "VERWIJZING_SMS_MODE": "local", "VERWIJZING_SMS_LOG": str(tmp / "sms-outbox.log")}
    with pytest.MonkeyPatch.context() as env:
        for name, value in environment.items():
            env.setenv(name, value)
        with running_stack(tmp, database_url=database, demo=False, **environment) as (rasa, actions):
            config = gateway_settings(RASA_URL=rasa.base, RASA_AUTH_TOKEN=TOKEN, ACTION_SERVER_URL=actions.url,
                                      TWILIO_AUTH_TOKEN=TWILIO_TOKEN)
            counsellor, consulent = chromium(), chromium()
            engine = make_engine(database)
            try:
                yield {"tmp": tmp, "rasa": rasa, "config": config, "port": port, "base": base, "engine": engine,
                       "counsellor": counsellor, "consulent": consulent}
            finally:
                engine.dispose()
                counsellor.quit()
                consulent.quit()


def cli(*args: str) -> str:
    done = subprocess.run([str(Path(sys.executable).with_name("verwijzing")), *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def worker() -> dict[str, dict[str, int]]:
    """One pass of every job of `verwijzing worker`, as it runs every few seconds in production."""
    counts = json.loads(cli("worker", "--once"))
    assert not any("error" in job for job in counts.values()), counts
    return counts


def mails(tmp: Path) -> list[EmailMessage]:
    """The e-mails the worker wrote as .eml files (VERWIJZING_MAIL_MODE=local)."""
    found = []
    for eml in sorted((tmp / "mail").glob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def calendar_of(message: EmailMessage) -> str | None:
    return next((str(part.get_content()) for part in message.walk() if part.get_content_type() == "text/calendar"),
                None)


def say(rasa, sender: str, text: str) -> str:
    return "\n".join(m.get("text", "") for m in rasa.send(sender, text))


def sms(base: str, body: str, n: int) -> str:
    """An SMS from SMS_PHONE as Twilio posts it, signed over the gateway's public address."""
    fields = sms_fields(body, SMS_PHONE, n)
    url = base + "/webhooks/sms"
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={
        "X-Twilio-Signature": RequestValidator(TWILIO_TOKEN).compute_signature(url, fields),
        "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200
        return "\n".join(m.text or "" for m in ET.fromstring(response.read()).findall("Message"))


def option_with(offer: str, *words: str) -> str:
    """The number of the first numbered choice whose line holds every word."""
    for line in offer.splitlines():
        if OPTION.match(line) and all(word in line for word in words):
            return line.split(".")[0]
    raise AssertionError(f"no choice with {words} in:\n{offer}")


def reference_in(confirmation: str) -> str:
    assert "Je afspraak staat vast" in confirmation, confirmation
    found = re.search(r"Je referentie is (LK-[A-Z0-9]+)", confirmation)
    assert found, confirmation
    return found.group(1)


def test_an_imported_counsellor_sets_hours_is_booked_three_ways_and_records_a_held_session(path):
    tmp, rasa, config, base = path["tmp"], path["rasa"], path["config"], path["base"]
    sessions = make_sessionmaker(path["engine"])
    with sessions.begin() as session:
        assert session.scalar(select(Slot.id)) is None  # nothing to book: no demo data
        add_user(session, CONSULENT, "consulent", CONSULENT_PASSWORD, dt.datetime.now(dt.UTC),
                 totp_secret=CONSULENT_APP, seal_key=CHANNEL_SECRET.encode())

    # 1. The beheerder imports the register and invites the counsellor; the worker sends the e-mail.
    register = tmp / "register.csv"
    register.write_text(REGISTER, encoding="utf-8")
    assert "register ingelezen: 1 nieuw, 0 gewijzigd" in cli("counsellors", "import", str(register))
    assert f"uitnodiging voor {NAME} klaar" in cli("counsellors", "invite", MANDATE)
    assert worker()["mail"]["sent"] == 1
    [invitation] = mails(tmp)
    assert invitation["To"] == EMAIL
    link = LINK.search(text_of(invitation))
    assert link and link.group(0).startswith(base + "/staff/welkom/"), text_of(invitation)

    with serving(config, path["port"]):
        # 2. In her own browser: the link, a password, the second step, her weekly hours.
        page = Hours(path["counsellor"], base)
        page.go(link.group(0).removeprefix(base))
        assert page.h1() == "Kies je wachtwoord" and EMAIL in page.main_text()
        page.type("Nieuw wachtwoord", PASSWORD)
        page.type("Nog eens hetzelfde wachtwoord", PASSWORD)
        page.press("Wachtwoord bewaren")
        assert page.h1() == "Aanmelden"
        page.type("Login", EMAIL)
        page.type("Wachtwoord", PASSWORD)
        page.press("Aanmelden")
        assert page.h1() == "Tweede stap instellen"
        key = page.driver.find_element(By.CSS_SELECTOR, "#sleutel code").text.replace(" ", "")
        page.type("Code uit de app", pyotp.TOTP(key).now())
        page.press("Bevestigen")
        assert page.h1() == "Je tweede stap werkt"
        page.go("/staff/agenda/uren")
        assert list(page.ways(1)) == ["op locatie", "online", "telefoon"]  # the register's three ways
        for row, weekday in enumerate(("dinsdag", "woensdag", "donderdag"), start=1):
            page.row(row, weekday, "09:00", "13:00", "op locatie", "online", "telefoon")
        page.pick("Hoe lang op voorhand boekt iemand ten laatste?", "24 uur")
        page.press("Uren bewaren")
        [saved] = [p.text for p in page.driver.find_elements(By.CSS_SELECTOR, ".melding")]
        made = re.fullmatch(r"Bewaard\. (\d+) nieuwe momenten, 0 momenten ingetrokken\.", saved)
        assert made, saved
        # Saving made the moments at once; the worker's moments job (every 15 minutes) keeps them
        # in line with the hours and the mandate: on the same day it has nothing to change.
        assert worker()["moments"] == {"moments_added": 0, "moments_updated": 0, "moments_withdrawn": 0,
                                       "conflicts": 0}
        page.go("/staff/agenda")
        days = page.agenda()
        assert sum(len(rows) for rows in days.values()) == int(made.group(1)) == 3 * 2 * 8  # 8 weeks ahead
        week = [dt.date.fromisoformat(DAY) + dt.timedelta(days=n) for n in (1, 2, 3, 8)]
        for day in week:  # 2-hour blocks, from the reference date's week on
            assert days[weekday_date_words(day)] == [("09:00 tot 11:00", "vrij", ""), ("11:00 tot 13:00", "vrij", "")]
        assert {heading.split()[0] for heading in days} == {"dinsdag", "woensdag", "donderdag"}
        # Her private calendar address, to subscribe to.
        page.go("/staff/agenda/kalender")
        page.press("Adres maken")
        feed = page.field("Je geheime adres").get_property("value")
        assert feed.startswith(base + "/agenda/") and feed.endswith(".ics")

        # 3. A citizen books by chat (Rasa and the action server).
        replies = [say(rasa, "chatter", text) for text in CHAT_INTAKE]
        assert NAME in replies[-1], replies[-1]
        say(rasa, "chatter", option_with(replies[-1], "online"))
        chat_ref = reference_in(say(rasa, "chatter", f"0471 22 33 44 en {CHAT_INSZ}"))

        # 4. Another by SMS, through the gateway's Twilio webhook.
        turns = [sms(base, text, n) for n, text in enumerate(SMS_INTAKE)]
        assert all(turns) and "25 euro per uur" in turns[-1], turns[-1]
        sms(base, option_with(turns[-1], NAME), 100)
        sms(base, "0470 12 34 56", 101)
        sms_ref = reference_in(sms(base, SMS_INSZ, 102))

        # 5. A third at the desk: the consulent's guided intake in the staff console.
        desk = Hours(path["consulent"], base)
        desk.log_in(CONSULENT, CONSULENT_PASSWORD, CONSULENT_APP, "/staff/intake")
        assert desk.h1() == "Nieuwe verwijzing"
        desk.field("In persoon, aan de balie").click()
        desk.pick("Waarmee wil de persoon hulp?", "Iets anders doen in het werk (loopbaanvraag)")
        desk.field("Werkt voor een werkgever (werknemer)").click()
        desk.pick("Waar woont de persoon?", "Vlaanderen")
        desk.type("Hoeveel jaar werkervaring, alle jobs samen?", "15")
        desk.type("Leeftijd", "37")
        desk.field("Diploma secundair onderwijs").click()
        desk.press("Beslissing bekijken")
        assert desk.facts()["In aanmerking"] == "Ja"
        desk.press("Verwijzing maken")
        desk.field("Op kantoor").click()
        desk.type("Postcode van de persoon", "9000")
        desk.press("Vrije momenten zoeken")
        offered = [label for label in desk.driver.find_elements(By.CSS_SELECTOR, "#groep-moment label")
                   if NAME in label.text]
        assert offered, "the counsellor's moments are offered"
        offered[0].click()
        desk.type("Rijksregisternummer van de persoon", DESK_INSZ)
        desk.press("Boeken")
        assert desk.h1() == "De afspraak staat vast"
        desk_ref = desk.facts()["Referentie"]

        # 6. The counsellor's e-mail: one invitation per booking, with the block's time.
        references = {chat_ref, sms_ref, desk_ref}
        assert len(references) == 3
        service = BookingService(sessions, pepper=PEPPER)
        booked = {ref: service.show(ref) for ref in references}
        assert all(b and b.status is BookingStatus.CONFIRMED and b.counsellor == NAME for b in booked.values())
        assert worker()["mail"]["sent"] == 3
        notices = {m["Subject"]: m for m in mails(tmp) if m["To"] == EMAIL}
        for ref, booking in booked.items():
            assert booking
            starts, ends = booking.starts_at.astimezone(BRUSSELS), booking.ends_at.astimezone(BRUSSELS)
            [message] = [m for subject, m in notices.items() if subject.startswith(f"Nieuwe afspraak {ref} ")]
            assert (f"Wanneer: {weekday_date_words(starts.date())}, van {starts:%H:%M} tot {ends:%H:%M}"
                    in text_of(message)), text_of(message)
            calendar = calendar_of(message)
            assert calendar and "METHOD:REQUEST" in calendar
            [event] = Calendar.from_ical(calendar).walk("VEVENT")
            assert str(event["UID"]) == f"{ref}@verwijzing" and event.decoded("DTSTART") == starts
        # ... and the three blocks in her own calendar, through the private address.
        with urllib.request.urlopen(feed, timeout=30) as response:
            events = Calendar.from_ical(response.read()).walk("VEVENT")
        assert sorted(str(e["UID"]) for e in events) == sorted(f"{ref}@verwijzing" for ref in references)
        assert all(str(e["UID"]).split("@")[0] in str(e["SUMMARY"]) for e in events)

    # 7. The day after the chat booking's block: she records that session as held, with the
    # national number from the person's identity card.
    chat_booking = booked[chat_ref]
    assert chat_booking
    next_day = chat_booking.starts_at.astimezone(BRUSSELS).date() + dt.timedelta(days=1)
    later_port = free_port()
    later = dataclasses.replace(config, peildatum_override=next_day, public_base_url=f"http://127.0.0.1:{later_port}")
    with serving(later, later_port) as later_base:
        page = Hours(path["counsellor"], later_base)  # her session goes on: same site, same cookie
        page.go("/staff/agenda/gesprekken")
        assert page.h1() == "Mijn gesprekken"
        typed = f"{CHAT_INSZ[:2]}.{CHAT_INSZ[2:4]}.{CHAT_INSZ[4:6]}-{CHAT_INSZ[6:9]}.{CHAT_INSZ[9:]}"
        page.driver.find_element(By.ID, f"rrn-{chat_ref}").send_keys(typed)
        page.press("Gesprek gehouden", within=f"section[@aria-labelledby='g-{chat_ref}']")
        assert f"Het gesprek {chat_ref} is geregistreerd als gehouden." in page.main_text()
        assert f"g-{chat_ref}" not in page.driver.page_source
        assert {sms_ref, desk_ref} <= {h.text.split(":")[0] for h in page.driver.find_elements(By.CSS_SELECTOR, "h3")}
        page.go(f"/staff/agenda/overzicht?maand={next_day:%Y-%m}")
        assert chat_ref in page.main_text() and sms_ref not in page.main_text()

        # The credit follows the session: the held one debited, the other two still reserved.
        with sessions() as session:
            ledger = {ref: sorted((e.reason, e.minutes) for e in session.scalars(
                select(LedgerEntry).where(LedgerEntry.booking_reference == ref))) for ref in references}
            statuses = {ref: session.scalar(select(Booking.status).where(Booking.reference == ref))
                        for ref in references}
        assert ledger[chat_ref] == [("debit", -120), ("release", 120), ("reserve", -120)]
        assert ledger[sms_ref] == ledger[desk_ref] == [("reserve", -120)]
        assert statuses == {chat_ref: "attended", sms_ref: "confirmed", desk_ref: "confirmed"}

        # 8. The consulent's dashboard: three booked, one attended.
        dashboard = Hours(path["consulent"], later_base)
        dashboard.go("/staff/dashboard")
        rows = dashboard.driver.find_elements(By.XPATH, "//table[caption[@id='tabel-trechter']]//tbody/tr")
        funnel = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text for row in rows}
        assert (funnel["geboekt"], funnel["bijgewoond"]) == ("3", "1"), funnel
        # ... and the budget: three blocks committed, one session held (the one debited).
        rows = dashboard.driver.find_elements(By.XPATH, "//table[caption[@id='tabel-budget']]//tbody/tr")
        budget = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text for row in rows}
        assert (budget["afspraken"], budget["gesprek gehouden (afspraken)"]) == ("3", "1"), budget
