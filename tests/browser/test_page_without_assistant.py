"""The chat page in headless Chromium when the assistant does not answer: the person is told so
in Dutch, and what they typed stays in the box. No Rasa needed: the gateway points at a closed port.
The sources page (/bronnen), which needs no assistant either, is audited here too."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.browser import WAIT, Page, describe, gateway_settings, serving
from tests.conversation.stack import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lonely_gateway(tmp_path_factory):
    database = tmp_path_factory.mktemp("lonely") / "verwijzing.db"
    config = gateway_settings(RASA_URL="http://127.0.0.1:9", DATABASE_URL=f"sqlite:///{database}",
                              VERWIJZING_PEILDATUM="2027-03-01")
    with serving(config, free_port()) as base:
        yield base


@pytest.fixture
def page(driver, lonely_gateway) -> Page:
    page = Page(driver, lonely_gateway)
    page.reset_emulation()
    return page.open()


def test_a_failed_message_says_so_and_keeps_the_text(page):
    page.tab_to("bericht")
    page.press("ik wil iets anders doen", Keys.ENTER)
    page.new_bot_texts(0)
    assert page.el("fout").text == "De assistent antwoordt nu even niet. Probeer het zo opnieuw."
    assert page.el("fout").get_attribute("role") == "alert"
    assert page.el("bericht").get_attribute("value") == "ik wil iets anders doen"
    assert page.messages() == []  # nothing is shown as sent that was not
    assert page.el("verstuur").is_enabled() and page.active_label() == "bericht"
    violations = page.axe_violations()
    print(f"axe-core WCAG 2.1 A/AA, with the error line: {len(violations)} violations")
    assert violations == [], describe(violations)


def test_an_empty_message_is_not_sent(page):
    page.tab_to("bericht")
    page.press(Keys.ENTER)
    assert page.el("fout").text == "Typ eerst een bericht."
    assert page.el("berichten").get_attribute("aria-busy") != "true"
    assert page.conversation_id() is None  # nothing reached the gateway


@pytest.mark.parametrize(("viewport", "width", "height", "scale", "mobile"), [
    ("a 1280-px window", 1280, 900, 1, False),
    ("a 360-px phone", 360, 740, 2, True),
    ("400% zoom of a 1280-px window (WCAG reflow)", 320, 256, 4, False),
])
def test_the_sources_page_passes_axe_and_scrolls_only_its_tables_sideways(driver, lonely_gateway, viewport, width,
                                                                          height, scale, mobile):
    page = Page(driver, lonely_gateway)
    page.emulate(width, height, scale, mobile)
    try:
        driver.get(lonely_gateway + "/bronnen")
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Waar komen onze regels vandaan?"
        overflow = page.horizontal_overflow()
        print(f"/bronnen, {viewport}: {overflow} px wider than the viewport")
        assert overflow <= 0
        violations = page.axe_violations()
        print(f"axe-core WCAG 2.1 A/AA, /bronnen, {viewport}: {len(violations)} violations")
        assert violations == [], describe(violations)
    finally:
        page.reset_emulation()
