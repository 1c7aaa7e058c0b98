"""The dashboard in headless Chromium: a consulent logs in and opens it; axe-core finds no WCAG 2.1
A/AA violation, the charts are images with a name, and the page does not scroll sideways on a
phone. Rasa is not needed: the console works without the assistant."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from selenium.webdriver.common.by import By

from tests.browser.browser import (
    chromium,
    describe,
    gateway_settings,
    require_browser_tools,
    serving,
)
from tests.conversation.stack import free_port
from tests.staff import dashboard_data as data
from tests.staff.conftest import PASSWORD, TOTP_SECRET, app_code
from tests.support.database import temporary_database
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def console():
    require_browser_tools()
    with temporary_database("sqlite") as url:
        engine = make_engine(url)
        upgrade(engine)
        with make_sessionmaker(engine).begin() as session:
            data.seed(session)
            add_user(session, "lotte", "consulent", PASSWORD, dt.datetime.now(dt.UTC), totp_secret=TOTP_SECRET,
                     seal_key=b"test-secret")
        data.add_events(engine)
        engine.dispose()
        port = free_port()
        config = gateway_settings(DATABASE_URL=url, VERWIJZING_INSZ_PEPPER="test-pepper",
                                  VERWIJZING_CHANNEL_SECRET="test-secret", RASA_URL="http://127.0.0.1:9",
                                  ACTION_SERVER_URL="http://127.0.0.1:9/webhook",
                                  PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
        config = dataclasses.replace(config, peildatum_override=data.DAY)
        with serving(config, port) as base:
            driver = chromium()
            try:
                driver.get(base + "/staff/dashboard")
                driver.find_element(By.ID, "login").send_keys("lotte")
                driver.find_element(By.ID, "wachtwoord").send_keys(PASSWORD)
                driver.find_element(By.ID, "code").send_keys(app_code())
                driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
                yield driver
            finally:
                driver.quit()


def test_login_leads_to_the_dashboard_with_its_figures(console):
    assert console.current_url.endswith("/staff/dashboard")
    assert console.find_element(By.TAG_NAME, "h1").text == "Dashboard"
    funnel = console.find_element(By.XPATH, "//caption[starts-with(., 'Trechter')]/..")
    assert "gestart 10" in " ".join(funnel.text.split())


def test_axe_finds_no_violations(console):
    from tests.browser.browser import Page

    violations = Page(console, "").axe_violations()
    assert violations == [], describe(violations)


def test_every_chart_is_an_image_with_a_name(console):
    svgs = console.find_elements(By.TAG_NAME, "svg")
    assert len(svgs) >= 8
    names = [console.execute_script(
        "const ids = arguments[0].getAttribute('aria-labelledby').split(' ');"
        "return ids.map(i => document.getElementById(i).textContent).join(' ');", svg) for svg in svgs]
    assert all(name.strip() for name in names)
    assert any("Trechter" in name and "gestart: 10" in name for name in names)


def test_no_sideways_scrolling_on_a_phone(console):
    console.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    try:
        console.refresh()
        overflow = console.execute_script(
            "const d = document.documentElement; return Math.max(d.scrollWidth, document.body.scrollWidth)"
            " - d.clientWidth;")
    finally:
        console.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0
