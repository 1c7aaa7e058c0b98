"""Counsellors in the staff console, in headless Chromium: a beheerder invites a counsellor of the
register, the counsellor opens the e-mailed link, chooses a password, sets up the second step, and
sets weekly hours and a day off that become (or stop being) bookable moments — through the real
gateway on an empty, migrated SQLite database. axe-core audits every page on the way (the
counsellor list, the welcome page with and without an error, the empty agenda, the hours form
empty and with an error, the agenda with moments) against WCAG 2.1 A and AA: 0 violations.

The real clock: the agenda shows the weeks ahead of today."""
from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from tests.browser.browser import WAIT, serving
from tests.browser.test_staff_console import Console, audit
from tests.conversation.stack import free_port
from verwijzing.config import now_on, settings
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.nl_be import BRUSSELS, weekday_date_words
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing.store.mail_models import MailMessage
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import Counsellor, Slot

pytestmark = pytest.mark.browser

MANAGER, MANAGER_PASSWORD = "bart.beheer", "een lang wachtwoord voor de test"
MANAGER_APP = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"  # the beheerder's authenticator, set up already
CHANNEL_SECRET = "browser-test-secret"
LOTTE, LOTTE_PASSWORD = "lotte@example.be", "mijn eigen lange wachtwoord"
REGISTER = [
    'LK-1,Lotte Peeters,lotte@example.be,,"Kouter 1",9000,op_locatie;online,nl,2026-01-01,,2026-01-01,,ja',
    'LK-2,Wout Janssens,wout@example.be,,"Meir 2",2000,op_locatie,nl,2026-01-01,,2026-01-01,,nee',
]
LINK = re.compile(r"http://\S+/staff/welkom/[A-Za-z0-9_-]+")


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """The real gateway on an empty migrated database: one beheerder, and a register of two
    counsellors without accounts. No reference date is set: the console runs on today."""
    database = f"sqlite:///{tmp_path_factory.mktemp('counsellors') / 'verwijzing.db'}"
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        for name, value in {"DATABASE_URL": database, "VERWIJZING_INSZ_PEPPER": "browser-test-pepper",
                            "VERWIJZING_CHANNEL_SECRET": CHANNEL_SECRET, "RASA_URL": "http://127.0.0.1:9",
                            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}.items():
            env.setenv(name, value)
        env.delenv("VERWIJZING_PEILDATUM", raising=False)
        engine = make_engine(database)
        upgrade(engine)
        register = read_register("\n".join((",".join(COLUMNS), *REGISTER)).encode())
        assert not register.problems
        with make_sessionmaker(engine).begin() as session:
            add_user(session, MANAGER, "beheerder", MANAGER_PASSWORD, dt.datetime.now(dt.UTC),
                     totp_secret=MANAGER_APP, seal_key=CHANNEL_SECRET.encode())
            import_register(session, register.entries, dt.datetime.now(dt.UTC), CHANNEL_SECRET.encode())
        with serving(settings(), port) as base:
            yield base, engine
        engine.dispose()


class Hours(Console):
    """The hours form: a row's fields by their (visually hidden) labels."""

    def main_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "main").text

    def set_value(self, label: str, value: str) -> None:
        """Fill a time or date field. Chromium's own editor for these follows the browser's locale
        (headless Chromium is en-US, 12-hour, whatever --lang says), so what keys mean differs per
        machine: the value is set as the picker sets it, with the events it sends."""
        box = self.field(label)
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", box, value)
        taken = box.get_property("value")
        assert taken == value, f"{label}: {value} not taken, the field says {taken!r}"

    def ways(self, row: int) -> dict[str, WebElement]:
        """The checkboxes "Hoe" of a row, by their words."""
        labels = self.driver.find_elements(
            By.XPATH, f"//fieldset[legend[normalize-space()='Hoe, rij {row}']]//label")
        return {label.text.strip(): label.find_element(By.TAG_NAME, "input") for label in labels}

    def row(self, row: int, weekday: str, starts: str, ends: str, *ways: str) -> None:
        self.pick(f"Dag, rij {row}", weekday)
        self.set_value(f"Van, rij {row}", starts)
        self.set_value(f"Tot, rij {row}", ends)
        for word, box in self.ways(row).items():
            if box.is_selected() != (word in ways):
                box.click()

    def summary(self) -> list[str]:
        return [li.text for li in self.driver.find_elements(By.CSS_SELECTOR, ".fout-samenvatting li")]

    def agenda(self) -> dict[str, list[tuple[str, str, str]]]:
        """Each day's heading with its rows (hours, appointment, how), as the agenda shows them."""
        days = {}
        for heading in self.driver.find_elements(By.CSS_SELECTOR, "main h2"):
            table = heading.find_element(By.XPATH, "following-sibling::table[1]")
            days[heading.text] = [tuple(td.text for td in tr.find_elements(By.TAG_NAME, "td")[:3])
                                  for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
        return days


def _invitation_link(engine, to: str) -> str:
    with make_sessionmaker(engine)() as session:
        body = session.scalar(select(MailMessage.body_text).where(MailMessage.to_address == to)
                              .order_by(MailMessage.id.desc()))
    assert body, f"no e-mail to {to}"
    found = LINK.search(body)
    assert found, body
    return found.group(0)


def test_a_counsellor_is_invited_sets_up_the_account_and_sets_hours(driver, console):
    base, engine = console
    page = Hours(driver, base)
    page.reset_emulation()
    audited: list[str] = []
    driver.get(base + "/health")
    driver.delete_all_cookies()

    # 1. The beheerder finds Lotte in the register and invites her.
    page.log_in(MANAGER, MANAGER_PASSWORD, MANAGER_APP, "/staff/begeleiders")
    assert page.h1() == "Begeleiders"
    page.type("Zoek op naam, mandaatnummer of e-mailadres", "lotte")
    page.press("Zoeken")
    assert "zoek=lotte" in driver.current_url
    [row] = driver.find_elements(By.CSS_SELECTOR, "main tbody tr")
    assert [td.text for td in row.find_elements(By.TAG_NAME, "td")[:4]] == [
        "Lotte Peeters", "LK-1", LOTTE, "geen account"]
    assert "Wout Janssens" not in page.main_text()
    row.find_element(By.XPATH, ".//button[normalize-space()='Uitnodigen']").click()
    WebDriverWait(driver, WAIT).until(lambda d: "uitgenodigd=" in d.current_url)
    page.loaded()
    assert "De uitnodiging voor Lotte Peeters is verstuurd." in [
        p.text for p in driver.find_elements(By.CSS_SELECTOR, "[role=status]")]
    states = {tr.find_element(By.TAG_NAME, "td").text: tr.find_elements(By.TAG_NAME, "td")[3].text
              for tr in driver.find_elements(By.CSS_SELECTOR, "main tbody tr")}
    assert states["Lotte Peeters"].startswith("uitgenodigd, de link werkt tot")
    assert states["Wout Janssens"] == "geen account"
    audit(page, "counsellors, after an invitation", audited)

    # 2. Lotte, in her own browser, opens the link of the e-mail and chooses a password.
    link = _invitation_link(engine, LOTTE)
    assert link.startswith(base + "/staff/welkom/")
    driver.delete_all_cookies()
    page.go(link.removeprefix(base))
    assert page.h1() == "Kies je wachtwoord" and LOTTE in page.main_text()
    audit(page, "welcome", audited)
    # Too short: the browser refuses to send it and says why at the field.
    page.type("Nieuw wachtwoord", "kort")
    page.type("Nog eens hetzelfde wachtwoord", "kort")
    driver.find_element(By.XPATH, "//main//button[normalize-space()='Wachtwoord bewaren']").click()
    page.loaded()
    assert driver.current_url == link and page.h1() == "Kies je wachtwoord"
    assert page.field("Nieuw wachtwoord").get_property("validationMessage")
    assert page.alerts() == []
    # Long enough but not the same twice: the console says so.
    page.type("Nieuw wachtwoord", LOTTE_PASSWORD)
    page.type("Nog eens hetzelfde wachtwoord", LOTTE_PASSWORD + "!")
    page.press("Wachtwoord bewaren")
    assert page.h1() == "Kies je wachtwoord" and page.alerts() == ["De twee wachtwoorden zijn niet gelijk."]
    audit(page, "welcome with an error", audited)
    page.type("Nieuw wachtwoord", LOTTE_PASSWORD)
    page.type("Nog eens hetzelfde wachtwoord", LOTTE_PASSWORD)
    page.press("Wachtwoord bewaren")
    assert page.h1() == "Aanmelden" and driver.current_url.endswith("/staff/login?welkom=1")
    assert "Je wachtwoord is bewaard. Meld je nu aan." in page.main_text()

    # 3. Her first login: the e-mail address, the new password, no code; the second step first.
    page.type("Login", LOTTE)
    page.type("Wachtwoord", LOTTE_PASSWORD)
    page.press("Aanmelden")
    assert page.h1() == "Tweede stap instellen"
    key = driver.find_element(By.CSS_SELECTOR, "#sleutel code").text.replace(" ", "")
    page.type("Code uit de app", pyotp.TOTP(key).now())
    page.press("Bevestigen")
    assert page.h1() == "Je tweede stap werkt"
    driver.find_element(By.LINK_TEXT, "Verder naar de console").click()
    page.loaded()
    assert page.h1() == "Mijn agenda" and driver.current_url == base + "/staff/agenda"
    agenda_text = page.main_text()
    assert "Dag Lotte Peeters" in agenda_text and "Je hebt nog geen uren gezet" in agenda_text
    assert "Er zijn nog geen momenten." in agenda_text
    menu = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "header nav a")]
    assert "Mijn uren" in menu and "Nieuwe verwijzing" not in menu
    audit(page, "agenda without hours", audited)

    # 4. Her hours: only the ways of working the register gives her.
    driver.find_element(By.LINK_TEXT, "Zet je uren").click()
    page.loaded()
    assert page.h1() == "Mijn uren" and driver.current_url == base + "/staff/agenda/uren"
    assert list(page.ways(1)) == ["op locatie", "online"]
    audit(page, "hours, empty", audited)
    page.row(1, "maandag", "09:00", "13:00", "op locatie")
    page.row(2, "donderdag", "15:30", "13:30", "online")  # the end before the start
    page.pick("Hoe lang op voorhand boekt iemand ten laatste?", "24 uur")
    page.press("Uren bewaren")
    assert page.summary() == ["Rij 2: het einde (13:30) moet na het begin (15:30) komen."]
    assert page.alerts()[0].startswith("Er is niets bewaard. Verbeter eerst dit:")
    # What she typed is still there, to correct.
    assert [page.field(f"{what}, rij 2").get_property("value") for what in ("Dag", "Van", "Tot")] == [
        "3", "15:30", "13:30"]
    audit(page, "hours with an error", audited)
    page.set_value("Van, rij 2", "13:30")
    page.set_value("Tot, rij 2", "15:30")
    page.press("Uren bewaren")
    [saved] = [p.text for p in driver.find_elements(By.CSS_SELECTOR, ".melding")]
    added = re.fullmatch(r"Bewaard\. (\d+) nieuwe momenten, 0 momenten ingetrokken\.", saved)
    assert added and int(added.group(1)) > 0, saved
    assert [page.field(f"{what}, rij 1").get_property("value") for what in ("Dag", "Van", "Tot")] == [
        "0", "09:00", "13:00"]
    assert {w: box.is_selected() for w, box in page.ways(2).items()} == {"op locatie": False, "online": True}
    assert Select(page.field("Hoe lang op voorhand boekt iemand ten laatste?")).first_selected_option.text == "24 uur"

    # A day off next Monday (a date in the coming week).
    today = now_on(None).date()
    day_off = today + dt.timedelta(days=7 - today.weekday())
    page.set_value("Datum", day_off.isoformat())
    assert page.driver.find_element(By.XPATH, "//label[normalize-space()='Ik ben die dag vrij']/input").is_selected()
    page.press("Uitzondering bewaren")
    assert [p.text for p in driver.find_elements(By.CSS_SELECTOR, ".melding")] == [
        "Bewaard. 0 nieuwe momenten, 2 momenten ingetrokken."]
    [listed] = driver.find_elements(By.XPATH, "//h2[.='Uitzonderingen']/following-sibling::ul[1]/li")
    assert listed.text.startswith(f"{weekday_date_words(day_off)}: vrij")
    assert listed.find_element(By.TAG_NAME, "button").accessible_name == (
        f"Uitzondering van {weekday_date_words(day_off)} verwijderen")

    # 5. The agenda lists her free moments on Mondays and Thursdays, none on the day off.
    driver.find_element(By.LINK_TEXT, "Mijn agenda").click()
    page.loaded()
    days = page.agenda()
    assert weekday_date_words(day_off) not in days
    assert days[weekday_date_words(day_off + dt.timedelta(days=7))] == [
        ("09:00 tot 11:00", "vrij", ""), ("11:00 tot 13:00", "vrij", "")]
    thursday = day_off + dt.timedelta(days=3)
    assert days[weekday_date_words(thursday)] == [("13:30 tot 15:30", "vrij", "")]
    assert {heading.split()[0] for heading in days} == {"maandag", "donderdag"}
    assert "nog geen uren" not in page.main_text()
    audit(page, "agenda with moments", audited)

    with make_sessionmaker(engine)() as session:
        ids = {c.mandate_number: c.id for c in session.scalars(select(Counsellor))}
        moments = [s for s in session.scalars(select(Slot).where(Slot.counsellor_id == ids["LK-1"]))
                   if not s.withdrawn]
        assert session.scalars(select(Slot).where(Slot.counsellor_id == ids["LK-2"])).all() == []
    starts = {s.starts_at.astimezone(BRUSSELS) for s in moments}
    assert {f"{t:%a %H:%M}" for t in starts} == {"Mon 09:00", "Mon 11:00", "Thu 13:30"}
    assert day_off not in {s.day for s in moments}
    assert {day_off + dt.timedelta(days=7), thursday} <= {s.day for s in moments}
    assert all(s.bookable_until == s.starts_at - dt.timedelta(hours=24) for s in moments)

    # 6. The VDAB pages are not hers.
    for path in ("/staff/intake", "/staff/begeleiders"):
        page.go(path)
        assert page.h1() == "Geen toegang", path
        assert "Deze pagina hoort niet bij jouw rol." in page.main_text()

    assert audited == ["counsellors, after an invitation", "welcome", "welcome with an error",
                       "agenda without hours", "hours, empty", "hours with an error", "agenda with moments"]
