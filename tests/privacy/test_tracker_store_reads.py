"""The redacting tracker store reads and writes the same rows as stock Rasa's SQLTrackerStore.

It has its own statements (built once) and redacts only the events a save adds; these tests hold
it to stock Rasa's results on a real SQLite file: the latest session's events, in order, and all
sessions for the full tracker; a second save of the same tracker adds nothing; every added event
is redacted, also when the tracker was read back first.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.rasa  # runs code in the Rasa environment (.venv-rasa)

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
PHONE = "0470 12 34 56"

SCRIPT = """
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from verwijzing_rasa.tracker_store import RedactingSQLTrackerStore

path, phone = sys.argv[1], sys.argv[2]
domain = Domain.from_dict({"slots": {"leeftijd": {"type": "float", "mappings": [{"type": "custom"}]}}})
ours = RedactingSQLTrackerStore(domain=domain, host="sqlite:///" + path)
stock = SQLTrackerStore(domain=domain, dialect="sqlite", db=path)

async def main():
    out = {}
    tracker = DialogueStateTracker("reads", domain.slots)
    tracker.update(SessionStarted(timestamp=1))
    tracker.update(ActionExecuted("action_listen", timestamp=2))
    tracker.update(UserUttered("ik ben 41", {"name": "informeren", "confidence": 1.0}, timestamp=3))
    tracker.update(SlotSet("leeftijd", 41, timestamp=4))
    await ours.save(tracker)
    again = await ours.retrieve("reads")  # read back, then a new session with a number in it
    out["read_back_leeftijd"] = again.get_slot("leeftijd")
    again.update(SessionStarted(timestamp=10))
    again.update(UserUttered("bel me op " + phone, {"name": "informeren", "confidence": 1.0}, timestamp=11))
    await ours.save(again)
    again = await ours.retrieve("reads")  # as Rasa does: each message reads the tracker anew
    again.update(BotUttered("Ik bel je op " + phone + ".", timestamp=12))
    await ours.save(again)
    await ours.save(again)  # saving the same tracker twice adds nothing
    for name, store in (("ours", ours), ("stock", stock)):
        latest = await store.retrieve("reads")
        full = await store.retrieve_full_tracker("reads")
        out[name] = {"latest": [e.as_dict() for e in latest.events], "full": [e.as_dict() for e in full.events]}
    out["unknown"] = [await ours.retrieve("nobody"), await ours.retrieve_full_tracker("nobody")]
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    database = tmp_path_factory.mktemp("reads") / "tracker.db"
    run = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT, str(database), PHONE], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"})
    assert run.returncode == 0, run.stderr[-3000:]
    with sqlite3.connect(database) as connection:
        rows = [json.loads(r[0]) for r in connection.execute("SELECT data FROM events ORDER BY id")]
    return json.loads(run.stdout.strip().splitlines()[-1]), rows


def test_reads_the_same_events_as_stock_rasa(result):
    out, _ = result
    assert out["ours"] == out["stock"]
    latest = [e["event"] for e in out["ours"]["latest"]]
    assert latest == ["session_started", "user", "bot"]  # only the latest session
    assert len(out["ours"]["full"]) == 7
    assert out["unknown"] == [None, None]


def test_a_tracker_read_back_keeps_its_facts_and_adds_only_new_rows(result):
    out, rows = result
    assert out["read_back_leeftijd"] == 41
    assert [r["event"] for r in rows] == ["session_started", "action", "user", "slot", "session_started", "user", "bot"]


def test_events_added_after_a_read_are_redacted(result):
    _, rows = result
    raw = json.dumps(rows)
    assert "470" not in raw.replace(" ", "")
    assert rows[5]["text"].startswith("bel me op ") and rows[6]["text"].startswith("Ik bel je op ")
