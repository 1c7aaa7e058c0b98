"""Fixtures for the chat page tests: Chromium, and the gateway on a free port in front of the
real Rasa and action servers (tests/conversation/stack.py) or in front of no assistant at all."""
from __future__ import annotations

import pytest

from tests.browser.browser import Page, chromium, gateway_settings, require_browser_tools, serving
from tests.conversation.stack import TOKEN, free_port, running_stack

PEILDATUM = "2027-03-01"


@pytest.fixture(scope="module")
def driver():
    require_browser_tools()
    browser = chromium()
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_browser_tools()  # before the slow start, so a missing browser says so first
    with running_stack(tmp_path_factory.mktemp("browser-stack"), VERWIJZING_PEILDATUM=PEILDATUM) as servers:
        yield servers


@pytest.fixture(scope="module")
def gateway(stack):
    """The real gateway, configured from its environment, in front of the real stack."""
    rasa, actions = stack
    port = free_port()
    config = gateway_settings(
        RASA_URL=rasa.base, ACTION_SERVER_URL=actions.url, DATABASE_URL=actions.env["DATABASE_URL"],
        RASA_AUTH_TOKEN=TOKEN, VERWIJZING_INSZ_PEPPER="test-pepper", VERWIJZING_CHANNEL_SECRET="test-secret",
        VERWIJZING_PEILDATUM=PEILDATUM, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        # A consulent can take over at any hour here (the hand-over test marks one available).
        VERWIJZING_KANTOORUREN="ma-zo 00:00-24:00")
    with serving(config, port) as base:
        yield base


@pytest.fixture
def page(driver, gateway) -> Page:
    """The page for a new visitor (no conversation cookie), at desktop size."""
    page = Page(driver, gateway)
    page.reset_emulation()
    return page.open()
