"""The redacting tracker store in Rasa's own environment, on a real SQLite file: every place a
turn keeps typed text (the text, the parse data with its entities, the channel's metadata, the
bot's reply) is saved without the national number or the phone number, in any spelling."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support.database import valid_insz
from verwijzing_rasa.pii import RIJKSREGISTERNUMMER, TELEFOON, digits

pytestmark = pytest.mark.rasa  # runs code in the Rasa environment (.venv-rasa)

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
INSZ = valid_insz(dt.date(1985, 7, 30), 33)
SPELLINGS = [f"{INSZ[:2]}-{INSZ[2:4]}-{INSZ[4:6]}-{INSZ[6:9]}-{INSZ[9:]}", f"{INSZ[:6]}-{INSZ[6:9]}-{INSZ[9:]}",
             f"{INSZ[:2]}.{INSZ[2:4]}.{INSZ[4:6]} - {INSZ[6:9]}.{INSZ[9:]}",
             f"{INSZ[:2]} {INSZ[2:4]} {INSZ[4:6]} {INSZ[6:9]} {INSZ[9:]}", INSZ]
PHONES = ["0470 12 34 56", "+32 470 12 34 56", "0470/12.34.56", "0032470123456", "0470123456"]

SAVE = """
import asyncio, json, sys
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from verwijzing_rasa.tracker_store import RedactingSQLTrackerStore

url, messages = sys.argv[1], json.loads(sys.argv[2])
store = RedactingSQLTrackerStore(host=url)
tracker = DialogueStateTracker("privacy-test", slots=[])
for insz, phone in messages:
    text = f"mijn rijksregisternummer is {insz} en mijn gsm {phone}"
    tracker.update(UserUttered(
        text, intent={"name": "inform", "confidence": 0.9},
        entities=[{"entity": "rijksregisternummer", "value": insz, "start": 28, "end": 28 + len(insz)}],
        parse_data={"text": text, "intent": {"name": "inform", "confidence": 0.9}},
        input_channel="rest", metadata={"from": phone, "raw": {"Body": text}}))
    # A bot that echoed a number (ours must not; if one ever did, it is not kept either).
    tracker.update(BotUttered(f"Je gaf {insz} en {phone}.", data={"custom": {"nummer": insz}},
                              metadata={"to": phone}))
    tracker.update(SlotSet("rijksregisternummer", "0" * 64))
asyncio.run(store.save(tracker))
print(json.dumps([e.as_dict() for e in tracker.events if e.type_name in ("user", "bot")]))
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    database = tmp_path_factory.mktemp("tracker") / "tracker.db"
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", SAVE, f"sqlite:///{database}", json.dumps(list(zip(SPELLINGS, PHONES, strict=True)))],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"})
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(database) as connection:
        rows = [row[0] for row in connection.execute("SELECT data FROM events")]
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    return rows, raw


def test_every_spelling_and_phone_is_gone_from_every_row(saved):
    rows, raw = saved
    assert len(rows) == 3 * len(SPELLINGS)
    for row in rows:
        assert INSZ not in digits(row) and INSZ[:9] not in digits(row)
        assert "470123456" not in digits(row)
    assert INSZ.encode() not in raw and b"470123456" not in raw
    for spelling, phone in zip(SPELLINGS, PHONES, strict=True):
        assert spelling.encode() not in raw and phone.encode() not in raw


def test_each_copy_of_the_text_says_what_was_removed(saved):
    rows, _ = saved
    users = [json.loads(r) for r in rows if json.loads(r)["event"] == "user"]
    bots = [json.loads(r) for r in rows if json.loads(r)["event"] == "bot"]
    for user in users:
        expected = f"mijn rijksregisternummer is {RIJKSREGISTERNUMMER} en mijn gsm {TELEFOON}"
        assert user["text"] == expected
        assert user["parse_data"]["text"] == expected
        assert user["parse_data"]["entities"][0]["value"] == RIJKSREGISTERNUMMER
        assert user["metadata"] == {"from": TELEFOON, "raw": {"Body": expected}}
        assert user["parse_data"]["intent"]["name"] == "inform"  # the rest is kept as it was
    for bot in bots:
        assert bot["text"] == f"Je gaf {RIJKSREGISTERNUMMER} en {TELEFOON}."
        assert bot["data"]["custom"]["nummer"] == RIJKSREGISTERNUMMER
        assert bot["metadata"] == {"to": TELEFOON}
    slots = [json.loads(r) for r in rows if json.loads(r)["event"] == "slot"]
    assert all(s["value"] == "0" * 64 for s in slots)  # slot values are the application's own state
