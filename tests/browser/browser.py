"""Test support for the chat page in a real browser: the gateway served on a free port, Debian's
headless Chromium driven by Selenium, the keyboard, and the axe-core audit.

Chromium, chromedriver and axe-core are installed by scripts/install_browser.sh (`make setup`).
When one is missing the tests skip saying why, except with CI=true, where that is a failure.
"""
from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from aiohttp import web
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from verwijzing.config import Settings, settings
from verwijzing.gateway import init_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WAIT = 60  # seconds: a turn with a decision takes a few seconds on a busy 2-core machine
# A visible keyboard focus indicator: an outline of at least 2 CSS pixels.
FOCUS_RING = """
const s = getComputedStyle(document.activeElement);
return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
"""


def require_browser_tools() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER, AXE) if not p.exists()]
    if not missing:
        return
    message = f"missing {', '.join(missing)}: run scripts/install_browser.sh (make setup does)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, so the browser tests must run: {message}", pytrace=False)
    pytest.skip(message)


def gateway_settings(**env: str) -> Settings:
    """Settings as the gateway reads them from its environment."""
    with mock.patch.dict(os.environ, env):
        return settings()


@contextmanager
def serving(config: Settings, port: int) -> Iterator[str]:
    """The real gateway (init_app) on 127.0.0.1:port, in a thread with its own event loop."""
    started, failed = threading.Event(), []
    state: dict = {}

    async def serve() -> None:
        runner = web.AppRunner(init_app(config))
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", port).start()
            state["stop"] = asyncio.Event()
            state["loop"] = asyncio.get_running_loop()
            started.set()
            await state["stop"].wait()
        finally:
            await runner.cleanup()

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            failed.append(error)
            started.set()

    thread = threading.Thread(target=run, name="gateway", daemon=True)
    thread.start()
    started.wait(30)
    if failed or not started.is_set():
        raise RuntimeError(f"the gateway did not start: {failed}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(30)


def chromium() -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=nl-BE",
                     "--window-size=1280,900", "--disable-gpu"):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))


class Page:
    """The chat page as a keyboard user meets it."""

    def __init__(self, driver: WebDriver, base: str):
        self.driver, self.base = driver, base
        self.rings: dict[str, bool] = {}

    def open(self, *, fresh: bool = True) -> Page:
        if fresh:
            self.driver.get(self.base + "/health")  # the cookie's site, to delete it there
            self.driver.delete_all_cookies()
        self.driver.get(self.base + "/")
        self.wait_idle()
        return self

    # --- what is on the page ---

    def el(self, element_id: str) -> WebElement:
        return self.driver.find_element(By.ID, element_id)

    def messages(self) -> list[tuple[str, str]]:
        """(who, text) of every message in the live region, as a person reads them."""
        return [(m.get_attribute("class").split()[-1], m.find_element(By.TAG_NAME, "p").text)
                for m in self.el("berichten").find_elements(By.CSS_SELECTOR, ".bericht")]

    def bot_texts(self) -> list[str]:
        return [text for who, text in self.messages() if who == "bot"]

    def choices(self) -> list[WebElement]:
        return self.el("keuzeknoppen").find_elements(By.TAG_NAME, "button")

    def active(self) -> WebElement:
        return self.driver.switch_to.active_element

    def active_label(self) -> str:
        """The focused element by id, or by its text for the choice buttons."""
        active = self.active()
        return active.get_attribute("id") or f"{active.tag_name}:{active.text}"

    def conversation_id(self) -> str | None:
        cookie = self.driver.get_cookie("verwijzing_gesprek")
        return cookie["value"].split(".")[0] if cookie else None  # the id, without its seal

    # --- the keyboard ---

    def press(self, *keys: str) -> None:
        self.active().send_keys(*keys)

    def tab_to(self, label: str, limit: int = 30) -> list[str]:
        """Tab forward until `label` (an id, or "button:Title") has focus; the focus path.
        Whether each element on the way showed a focus ring is kept in `self.rings`."""
        path = []
        for _ in range(limit):
            self.press(Keys.TAB)
            path.append(self.active_label())
            if self.active().tag_name != "body":  # past the last element Tab leaves the page
                self.rings[path[-1]] = self.driver.execute_script(FOCUS_RING)
            if path[-1] == label:
                return path
        raise AssertionError(f"{label!r} not reached by Tab; focus went {path}")

    def focus_message_box(self) -> None:
        if self.active_label() != "bericht":
            self.tab_to("bericht")

    def say(self, text: str) -> list[str]:
        """Type in the message box and press Enter; the bot's new messages."""
        self.focus_message_box()
        before = len(self.messages())
        self.press(text, Keys.ENTER)
        return self.new_bot_texts(before)

    def tell(self, text: str) -> None:
        """Type a message that goes to a consulent (no answer comes at once): until it shows."""
        self.focus_message_box()
        self.press(text, Keys.ENTER)
        WebDriverWait(self.driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda _: ("jij", text) in self.messages())

    def choose(self, title: str, key: str = Keys.ENTER) -> list[str]:
        """Tab to the bot's button `title` and press it with `key` (Enter or Space)."""
        self.focus_message_box()
        before = len(self.messages())
        self.tab_to(f"button:{title}")
        self.press(key)
        return self.new_bot_texts(before)

    # --- waiting ---

    def wait_idle(self) -> None:
        WebDriverWait(self.driver, WAIT).until(
            lambda d: self.el("berichten").get_attribute("aria-busy") != "true" and d.execute_script(
                "return document.readyState") == "complete")

    def new_bot_texts(self, before: int) -> list[str]:
        WebDriverWait(self.driver, WAIT).until(
            lambda _: self.el("berichten").get_attribute("aria-busy") == "false"
            and (len(self.messages()) > before + 1 or self.el("fout").text))
        return [text for who, text in self.messages()[before:] if who == "bot"]

    # --- measuring ---

    def emulate(self, width: int, height: int, scale: float = 1, mobile: bool = False) -> None:
        """The viewport a phone (`mobile`) or browser zoom (`scale` 2 = 200%) gives the page."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile})

    def reset_emulation(self) -> None:
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than its viewport (0 = no sideways scrolling)."""
        return self.driver.execute_script(
            "const d = document.documentElement; return Math.max(d.scrollWidth, document.body.scrollWidth)"
            " - d.clientWidth;")

    def axe_violations(self) -> list[dict]:
        """axe-core's WCAG 2.1 A/AA violations of the page as it is now."""
        if not self.driver.execute_script("return typeof window.axe !== 'undefined'"):
            self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        self.driver.set_script_timeout(WAIT)
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))"
            ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));", WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)
