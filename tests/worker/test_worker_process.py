"""`verwijzing worker` as make run starts it: a real process that sends what is queued, logs
counts but never a number or a text, and stops cleanly on SIGTERM; `--once` for scripts."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from worker_helpers import BLOCK, PHONE, SECRET, book, counsellor, slot

from verwijzing.notify.mail import queue_mail
from verwijzing.store import make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade

VERWIJZING = Path(sys.executable).with_name("verwijzing")


@pytest.fixture
def stack_env(tmp_path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'verwijzing.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    book(sessions, slot(sessions, counsellor(sessions), BLOCK))  # its confirmation SMS is queued
    with sessions.begin() as session:
        queue_mail(session, to="els.wouters@begeleiding.example", subject="Kies je wachtwoord",
                   text="Dag Els, kies je wachtwoord via deze link.", at=BLOCK)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERWIJZING_", "TWILIO_"))}
    return env | {"DATABASE_URL": url, "VERWIJZING_CHANNEL_SECRET": SECRET.decode(),
                  "VERWIJZING_SMS_MODE": "local", "VERWIJZING_SMS_LOG": str(tmp_path / "sms-outbox.log"),
                  "VERWIJZING_MAIL_MODE": "local", "VERWIJZING_MAIL_DIR": str(tmp_path / "mail")}


def test_the_worker_sends_then_stops_cleanly_on_sigterm(stack_env):
    sms_log = Path(stack_env["VERWIJZING_SMS_LOG"])
    worker = subprocess.Popen([str(VERWIJZING), "worker"], env=stack_env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (sms_log.exists() and sms_log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Je afspraak voor loopbaanbegeleiding staat vast" in sms_log.read_text()
        worker.send_signal(signal.SIGTERM)
        _, log = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0
    assert "worker: sms: sent=1" in log
    assert log.rstrip().endswith("worker: stopped")
    assert PHONE not in log and PHONE[3:] not in log and "afspraak" not in log


def test_once_runs_every_job_and_prints_the_counts(stack_env):
    done = subprocess.run([str(VERWIJZING), "worker", "--once"], env=stack_env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    assert list(counts) == ["sms", "mail", "holds", "reminders", "retention", "demo-agenda", "moments"]
    assert counts["sms"]["sent"] == 1
    assert counts["mail"]["sent"] == 1
    assert [f.suffix for f in Path(stack_env["VERWIJZING_MAIL_DIR"]).iterdir()] == [".eml"]


def test_a_real_deployment_keeps_no_demo_agenda(stack_env):
    """VERWIJZING_DEMO=off: the demo agenda job does not run, so no moment is ever invented."""
    done = subprocess.run([str(VERWIJZING), "worker", "--once"], env=stack_env | {"VERWIJZING_DEMO": "off"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "demo-agenda" not in json.loads(done.stdout)


def test_without_the_channel_secret_it_says_what_is_missing(stack_env):
    done = subprocess.run([str(VERWIJZING), "worker", "--once"], env=stack_env | {"VERWIJZING_CHANNEL_SECRET": ""},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("verwijzing: VERWIJZING_CHANNEL_SECRET is empty")
