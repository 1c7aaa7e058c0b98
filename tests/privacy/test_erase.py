"""Erase means erase (issue 18, point 2): "Wis mijn gesprek" (and SMS "WIS JA") removes the
conversation, unlinks its referral, removes the SMS texts sent about it, and a turn that was
running meanwhile cannot write it back — tested with the real tracker store in Rasa's environment
on a real SQLite file that carries the project's migrations."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from verwijzing.enums import OutboxStatus
from verwijzing.store import OutboxMessage, Referral, make_engine, upgrade
from verwijzing.store.conversations import erase_conversation

pytestmark = pytest.mark.rasa  # the tracker store runs in the Rasa environment (.venv-rasa)

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
SENDER = "web-" + "E" * 32

# A turn as the tracker store gets it: `old` events loaded before, then what this turn added.
SAVE = """
import asyncio, json, sys, time
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from verwijzing_rasa.tracker_store import RedactingSQLTrackerStore

url, sender, stamps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
store = RedactingSQLTrackerStore(host=url)
tracker = DialogueStateTracker(sender, slots=[])
for n, stamp in enumerate(stamps):
    tracker.update(UserUttered(f"bericht {n}", intent={"name": "informeren", "confidence": 1.0}, timestamp=stamp))
    tracker.update(BotUttered(f"antwoord {n}", timestamp=stamp))
asyncio.run(store.save(tracker))
"""


def save(url: str, *stamps: float) -> None:
    done = subprocess.run([str(RASA_PYTHON), "-c", SAVE, url, SENDER, json.dumps(stamps)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"})
    assert done.returncode == 0, done.stderr[-3000:]


def stored(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": SENDER}).scalar()


def test_erasing_removes_everything_that_leads_to_the_conversation_and_a_turn_in_flight_cannot_undo_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'v.db'}"
    engine = make_engine(url)
    upgrade(engine)
    before = time.time() - 60
    save(url, before, before + 1)
    with engine.begin() as connection:
        connection.execute(Referral.__table__.insert().values(
            created_at=dt.datetime.now(dt.UTC), route="loopbaankrediet", regime="loopbaankrediet", in_aanmerking=True,
            channel="web", facts={"leeftijd": 45}, decision={}, conversation_id=SENDER, booking_reference="LK-7K3P"))
        for status in (OutboxStatus.SENT, OutboxStatus.QUEUED):
            connection.execute(OutboxMessage.__table__.insert().values(
                created_at=dt.datetime.now(dt.UTC), to_number="+32470123456", body="Je afspraak staat vast.",
                status=status.value, attempts=0, booking_reference="LK-7K3P"))
    assert stored(engine) == 4

    erased = erase_conversation(engine, SENDER)
    assert erased == {"events": 4, "referrals_unlinked": 1, "sms_texts": 1, "cases": 0}
    with engine.connect() as connection:
        referral = connection.execute(select(Referral.conversation_id, Referral.facts)).one()
        left = connection.execute(select(func.count()).select_from(OutboxMessage)).scalar()
    assert referral.conversation_id is None and referral.facts == {"leeftijd": 45}  # the statistics stay
    assert left == 1  # the one not sent yet still goes out: the person may need it

    # The turn that was running: loaded before the erasure, saved after it. Nothing comes back.
    save(url, before, before + 1, time.time())
    assert stored(engine) == 0
    # What the same id says after the erasure (SMS and phone keep their id) is kept, from nothing.
    save(url, time.time() + 1)
    assert stored(engine) == 2
    engine.dispose()
