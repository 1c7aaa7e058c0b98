"""Tracker fixtures: run an action as the action server would, on a tracker built from slots."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from verwijzing.store import make_engine, upgrade

ROOT = Path(__file__).resolve().parents[2]


def domain() -> dict:
    merged: dict = {"slots": {}, "forms": {}, "responses": {}}
    for path in sorted((ROOT / "bot").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in merged:
            merged[key].update(data.get(key) or {})
    return merged


DOMAIN = domain()


def make_tracker(text: str = "", intent: str = "informeren", slots: dict | None = None,
                 active_loop: str | None = None, events: list | None = None) -> Tracker:
    all_slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    all_slots["requested_slot"] = None
    all_slots.update(slots or {})
    return Tracker(
        sender_id="test-gesprek",
        slots=all_slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": []},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, dispatcher.messages


@pytest.fixture(scope="session")
def action_database(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('actions-db') / 'store.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def database(monkeypatch, action_database):
    # The decision action records a referral: never in the developer's var/verwijzing.db.
    monkeypatch.setenv("DATABASE_URL", action_database)


@pytest.fixture(autouse=True)
def pepper(monkeypatch):
    monkeypatch.setenv("VERWIJZING_INSZ_PEPPER", "test-pepper")


@pytest.fixture
def peildatum(monkeypatch):
    def set_day(day: str) -> None:
        monkeypatch.setenv("VERWIJZING_PEILDATUM", day)
    return set_day
