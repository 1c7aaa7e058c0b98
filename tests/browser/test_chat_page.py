"""The chat page in headless Chromium, in front of the real gateway, Rasa and action server.

A person does the whole intake with the keyboard only (Tab, Enter, Space: no mouse clicks),
reloads, erases the conversation, and reads the page on a phone and at 200% zoom. axe-core
audits the page at three moments against WCAG 2.1 A and AA.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import update

from tests.browser.browser import WAIT, Page, chromium, describe
from tests.browser.test_staff_console import Console
from tests.browser.test_staff_console import audit as staff_audit
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing.store.staff_models import StaffUser

pytestmark = [pytest.mark.rasa, pytest.mark.browser]
PASSWORD = "een lang wachtwoord voor de test"
CONSULENT_APP = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLV"  # the consulent's authenticator, set up already

DECISION = "Goed nieuws! Je kan het loopbaankrediet krijgen, als je nog uren over hebt."
# A golden case's facts (werknemer, 12 jaar, Gent, 41, diploma middelbaar, a career question),
# typed or chosen with a button as a person would.
ANSWERS = {
    "hulpvraag": ("type", "ik wil iets anders doen in mijn werk"),
    "werkstatus": ("button", "Ik werk voor een werkgever", Keys.SPACE),
    "woonregio": ("type", "Gent"),
    "werkervaring_jaren": ("type", "12 jaar"),
    "leeftijd": ("type", "41"),
    "opleidingsniveau": ("button", "Ik heb een diploma of getuigschrift van het middelbaar", Keys.ENTER),
    "eerder_loopbaancheque": ("button", "Nee", Keys.SPACE),
    "eerder_gebruikt_uren": ("button", "Nee, nog niet", Keys.SPACE),
}
MAX_ANSWERS = 10

WATCH_BUSY = """
window.seenWhileBusy = [];
new MutationObserver(function () {
  if (document.getElementById('berichten').getAttribute('aria-busy') === 'true') {
    window.seenWhileBusy.push({hint: document.getElementById('bezig').textContent,
                               sendDisabled: document.getElementById('verstuur').disabled});
  }
}).observe(document.getElementById('berichten'), {attributes: true, attributeFilter: ['aria-busy']});
"""


def audit(page: Page, moment: str) -> None:
    violations = page.axe_violations()
    print(f"axe-core WCAG 2.1 A/AA, {moment}: {len(violations)} violations")
    assert violations == [], describe(violations)


def intake(page: Page, rasa) -> list[str]:
    """'hallo', then answer what the assistant asks until it decides; every reply it gave."""
    said = page.say("hallo")
    for _ in range(MAX_ANSWERS):
        slots = rasa.tracker(page.conversation_id())["slots"]
        if slots.get("route"):
            return said
        asked = slots.get("requested_slot")
        assert asked in ANSWERS, f"asked {asked!r}; the page shows {said[-2:]}"
        how, *answer = ANSWERS[asked]
        if how == "type":
            said += page.say(answer[0])
        else:
            title, key = answer
            before = len(page.messages())
            said += page.choose(title, key)
            assert page.messages()[before] == ("jij", title)
    raise AssertionError(f"no decision after {MAX_ANSWERS} answers: {said[-3:]}")


def test_a_whole_intake_by_keyboard_ends_with_the_decision_in_the_live_region(page, stack):
    rasa, _ = stack
    audit(page, "empty page")

    # Tab order: the privacy notice, the message box, send, then (no choices yet) erase.
    path = page.tab_to("wis")
    assert path == ["summary:Meer over je gegevens", "bericht", "verstuur", "wis"]

    page.driver.execute_script(WATCH_BUSY)
    first = page.say("hallo")
    assert first, "the assistant answered 'hallo'"
    seen = page.driver.execute_script("return window.seenWhileBusy")
    assert seen and seen[0] == {"hint": "Even geduld, ik denk na…", "sendDisabled": True}
    assert page.el("bezig").text == "" and page.el("verstuur").is_enabled()
    assert page.messages()[0] == ("jij", "hallo")
    assert page.active_label() == "bericht"  # Enter sent it; the box is empty and keeps focus
    assert page.el("bericht").get_attribute("value") == ""

    # With choices on screen: send, then the assistant's buttons in order, then erase.
    titles = [b.text for b in page.choices()]
    assert titles, "the first question offers buttons"
    path = page.tab_to("wis")
    assert path == ["verstuur", *[f"button:{t}" for t in titles], "wis"]
    assert all(b.tag_name == "button" and b.get_attribute("type") == "button" for b in page.choices())
    # Every stop on the way showed a visible focus ring.
    assert page.rings and [label for label, ring in page.rings.items() if not ring] == []

    intake(page, rasa)
    log = page.el("berichten")
    assert (log.get_attribute("role"), log.get_attribute("aria-live")) == ("log", "polite")
    assert any(DECISION in text for text in page.bot_texts()), page.bot_texts()[-4:]
    # A pressed button shows its title as the person's message, not its payload.
    assert ("jij", "Ik werk voor een werkgever") in page.messages()
    assert ("jij", "ik ben werknemer") not in page.messages()

    # The offer: the first free moment of each way of meeting, and "no".
    choices = [b.text for b in page.choices()]
    assert [c[:3] for c in choices[:-1]] == ["1. ", "2. ", "3. "] and choices[-1] == "Nee, nu niet"
    audit(page, "after the decision, with buttons")

    # Space on a button sends its payload: the moment is chosen, the way of meeting with it.
    online = next(c for c in choices if "online" in c)
    before = len(page.messages())
    page.choose(online, Keys.SPACE)
    assert page.messages()[before] == ("jij", online)
    chosen = rasa.tracker(page.conversation_id())["slots"]
    assert chosen["modaliteit"] == "online" and chosen["gekozen_slot"]


def test_the_conversation_survives_a_reload(page):
    page.say("hallo")
    page.say("ik wil graag iets anders doen")
    before, choices = page.messages(), [b.text for b in page.choices()]
    assert len(before) >= 4

    page.driver.refresh()
    page.wait_idle()
    WebDriverWait(page.driver, WAIT).until(lambda _: len(page.messages()) >= len(before))
    assert page.messages() == before
    assert [b.text for b in page.choices()] == choices
    # Redrawn without being read aloud again, then the live region speaks again.
    WebDriverWait(page.driver, 5).until(lambda _: page.el("berichten").get_attribute("aria-live") == "polite")
    # And the conversation goes on where it was.
    assert page.say("Gent")
    assert page.messages()[len(before)] == ("jij", "Gent")


def test_arriving_from_another_site_keeps_the_conversation(page):
    """The cookie is SameSite=Strict: a link from elsewhere arrives without it, and must not
    replace it."""
    page.say("hallo")
    before, sender = page.messages(), page.conversation_id()
    page.driver.get(f"data:text/html,<a href='{page.base}/'>naar de chat</a>")
    page.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    page.active().send_keys(Keys.ENTER)
    WebDriverWait(page.driver, WAIT).until(lambda d: d.current_url.startswith(page.base))
    page.wait_idle()
    WebDriverWait(page.driver, WAIT).until(lambda _: len(page.messages()) >= len(before))
    assert page.messages() == before
    assert page.conversation_id() == sender


def test_wis_mijn_gesprek_asks_first_then_erases_the_page_and_the_tracker(page, stack):
    rasa, _ = stack
    page.say("hallo")
    page.say("ik wil iets anders doen in mijn werk")
    old = page.conversation_id()
    assert [e for e in rasa.tracker(old)["events"] if e["event"] == "user"]
    before = page.messages()

    # The first press only asks; "Nee, toch niet" (or Escape) keeps everything.
    page.tab_to("wis")
    page.press(Keys.ENTER)
    assert page.el("wis-bevestig").is_displayed()
    assert page.el("wis").get_attribute("aria-expanded") == "true"
    audit(page, "with the erase confirmation shown")
    page.tab_to("wis-nee")
    page.press(Keys.ENTER)
    assert not page.el("wis-bevestig").is_displayed()
    assert page.active_label() == "wis"
    assert page.messages() == before

    page.press(Keys.SPACE)
    assert page.tab_to("wis-ja") == ["wis-ja"]
    page.press(Keys.ENTER)
    WebDriverWait(page.driver, WAIT).until(lambda _: page.el("wis-status").text)
    assert page.el("wis-status").text == "Je gesprek is gewist. Je kan opnieuw beginnen."
    assert page.messages() == [] and page.choices() == []
    assert page.active_label() == "bericht"
    assert page.conversation_id() not in (None, old)
    # Rasa's stored conversation is gone too, not only the page.
    assert not [e for e in rasa.tracker(old)["events"] if e["event"] == "user"]

    page.driver.refresh()
    page.wait_idle()
    assert page.messages() == []


@pytest.mark.parametrize(("viewport", "width", "height", "scale", "mobile"), [
    ("a 360-px phone", 360, 740, 2, True),
    ("200% zoom of a 1280-px window", 640, 450, 2, False),
    ("400% zoom of a 1280-px window (WCAG reflow)", 320, 256, 4, False),
])
def test_no_sideways_scrolling(page, viewport, width, height, scale, mobile):
    page.say("hallo")
    # A long word with no place to break (a pasted link, say) must wrap too.
    page.say("https://www.voorbeeld.be/" + "loopbaanbegeleiding" * 10)
    page.tab_to("wis")
    page.press(Keys.ENTER)
    page.emulate(width, height, scale, mobile)
    try:
        assert page.driver.execute_script("return window.innerWidth") == width  # the emulation took
        overflow = page.horizontal_overflow()
        print(f"{viewport}: {overflow} px wider than the viewport")
        assert overflow <= 0
        assert page.el("verstuur").is_displayed() and page.el("wis-ja").is_displayed()
    finally:
        page.reset_emulation()


@pytest.fixture
def second_browser():
    """The consulent's own browser beside the person's (two people, two cookie jars)."""
    browser = chromium()
    try:
        yield browser
    finally:
        browser.quit()


def test_a_whole_hand_over_with_the_person_and_the_consulent_each_in_a_browser(page, stack, driver, gateway,
                                                                              second_browser):
    """The person asks for a person; the consulent, available, sees them join the queue without a
    reload, takes the conversation, reads what they type and answers; the person sees the answer
    without a reload, announced; the consulent hands back and the assistant answers again. axe
    audits the queue, the conversation view and the person's chat (0 violations)."""
    _, actions = stack
    engine = make_engine(actions.env["DATABASE_URL"])
    console, audited = Console(second_browser, gateway), []
    try:
        with make_sessionmaker(engine).begin() as session:
            add_user(session, "twee.browsers", "consulent", PASSWORD, dt.datetime.now(dt.UTC),
                     totp_secret=CONSULENT_APP, seal_key=b"test-secret")
        console.log_in("twee.browsers", PASSWORD, CONSULENT_APP, "/staff/wachtrij")
        console.press("Ik ben beschikbaar")
        staff_audit(console, "queue, available, nobody waiting", audited)

        said = " ".join(page.say("ik wil met een mens praten"))
        assert "Je bent nummer 1 in de rij" in said
        code = re.search(r"Je dossiercode is ([A-Z0-9]{6})", said).group(1)
        assert page.el("dossier").is_displayed() and page.el("dossier-code").text == code  # one code throughout
        settle = WebDriverWait(second_browser, 20, ignored_exceptions=(StaleElementReferenceException,))
        settle.until(lambda d: code in d.find_element(By.ID, "live-wachtend").text)  # no reload
        staff_audit(console, "queue, one waiting", audited)
        second_browser.find_element(By.CSS_SELECTOR, f"button[aria-label='Gesprek {code} overnemen']").click()
        settle.until(lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Gesprek {code}")
        console.loaded()
        assert "ik wil met een mens praten" in second_browser.find_element(By.ID, "live-gesprek").text
        staff_audit(console, "conversation", audited)

        wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))
        wait.until(lambda _: ("bot", "Een consulent van VDAB leest nu mee en antwoordt zo.") in page.messages())
        page.tell("ik snap het formulier niet")
        settle.until(lambda d: "ik snap het formulier niet" in d.find_element(By.ID, "live-gesprek").text)
        console.type("Je antwoord", "Dag, ik ben An van VDAB. Ik help je.")
        console.press("Versturen")
        # The log is redrawn when the answer comes: an element read during the redraw is stale.
        wait.until(lambda _: ("consulent", "Dag, ik ben An van VDAB. Ik help je.") in page.messages())
        assert page.el("bezig").text == "Nieuw bericht van de consulent."
        audit(page, "a consulent's answer in the chat")

        console.press("Terug naar de assistent")
        wait.until(lambda _: ("bot", "De consulent geeft je terug aan de assistent. Typ gerust verder.")
                   in page.messages())
        answered = " ".join(page.say("wat kost het?"))
        assert "euro" in answered
        assert audited == ["queue, available, nobody waiting", "queue, one waiting", "conversation"]
    finally:
        with make_sessionmaker(engine).begin() as session:  # the next test's visitor meets nobody
            session.execute(update(StaffUser).values(available_until=None))
        engine.dispose()


def test_going_on_with_an_sms_conversation_is_a_plain_accessible_form(page, driver, gateway):
    driver.find_element(By.LINK_TEXT, "Begon je per sms? Ga hier verder met je sms-gesprek.").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Verder met je sms-gesprek")
    audit(page, "going on with an SMS conversation")
    driver.find_element(By.ID, "code").send_keys("12345", Keys.ENTER)  # one character short
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "fout"))
    assert "Een dossiercode heeft 6 tekens" in driver.find_element(By.ID, "fout").text
    assert driver.find_element(By.ID, "code").get_attribute("value") == "12345"  # what was typed stays
    audit(page, "going on, a code too short")
