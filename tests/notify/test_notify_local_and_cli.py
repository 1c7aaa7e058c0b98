"""Local mode (the SMS log) and `verwijzing sms-dispatch`, with the settings as `make run` gives them."""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time

import pytest
from notify_helpers import NOW, SECRET, queue, row

from verwijzing import config
from verwijzing.cli import main
from verwijzing.notify import LocalLogSender, OutboxDispatcher, sender_from_settings
from verwijzing.notify.twilio_sender import TwilioSender
from verwijzing.worker.jobs import wall_now
from verwijzing.worker.main import run_worker


@pytest.fixture
def env(monkeypatch, tmp_path, database_url, db):
    """The environment of a local `make run`, on the test database (SQLite and PostgreSQL)."""
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VERWIJZING_SMS_MODE", "local")
    monkeypatch.setenv("VERWIJZING_SMS_LOG", str(tmp_path / "log" / "sms-outbox.log"))
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", SECRET.decode())
    return tmp_path / "log" / "sms-outbox.log"


def test_local_mode_writes_one_line_per_sms_with_a_masked_number_and_marks_it_sent(sessions, tmp_path):
    log = tmp_path / "var" / "log" / "sms.log"
    sender = LocalLogSender(log, clock=lambda: NOW)
    first = queue(sessions)
    second = queue(sessions, to="+32470999901", body="Je afspraak is geannuleerd.")
    assert OutboxDispatcher(sessions, sender, SECRET).run_once(NOW).sent == 2
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "2027-02-01T09:00:00+00:00\t…56\t"
        "Je afspraak voor loopbaanbegeleiding staat vast.\\nReferentie: LK-7K3P. Tot dan!",
        "2027-02-01T09:00:00+00:00\t…01\tJe afspraak is geannuleerd.",
    ]
    assert "470123456" not in log.read_text(encoding="utf-8")
    assert row(sessions, first).status == row(sessions, second).status == "sent"


def test_sms_dispatch_once_drains_the_outbox_and_prints_the_count(env, sessions, capsys, caplog):
    caplog.set_level(logging.INFO)
    for n in range(60):  # more than one pass of 50
        queue(sessions, to=f"+324709999{n:02d}")
    assert main(["sms-dispatch", "--once"]) == 0
    assert json.loads(capsys.readouterr().out) == {"sms": {"sent": 60, "retry_later": 0, "failed": 0,
                                                           "opted_out": 0, "unknown": 0, "stuck": 0}}
    assert len(env.read_text(encoding="utf-8").splitlines()) == 60
    assert "sms: sent=60" in caplog.text and "+32470" not in caplog.text
    assert main(["sms-dispatch", "--once"]) == 0
    assert json.loads(capsys.readouterr().out)["sms"]["sent"] == 0


def test_sms_dispatch_keeps_sending_what_comes_in_until_stopped(env, sessions, caplog):
    caplog.set_level(logging.INFO)
    stop = threading.Event()
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(run_worker(
        config.settings(), once=False, only=("sms",), every={"sms": 0.05}, stop=stop)))
    worker.start()
    try:
        message_id = queue(sessions)
        deadline = time.monotonic() + 20
        while row(sessions, message_id).status != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(20)
    assert result == [0]
    assert row(sessions, message_id).status == "sent"
    assert env.read_text(encoding="utf-8").count("…56\t") == 1
    assert "sms: sent=1" in caplog.text and "470123456" not in caplog.text


def test_twilio_mode_without_its_settings_is_a_plain_error(env, monkeypatch, capsys):
    monkeypatch.setenv("VERWIJZING_SMS_MODE", "twilio")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    assert main(["sms-dispatch", "--once"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("verwijzing: VERWIJZING_SMS_MODE=twilio needs TWILIO_ACCOUNT_SID, TWILIO_FROM_NUMBER")
    assert "Traceback" not in error


def test_without_a_channel_secret_nothing_is_sent(env, monkeypatch, sessions, capsys):
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "")
    message_id = queue(sessions)
    assert main(["sms-dispatch", "--once"]) == 2
    assert "VERWIJZING_CHANNEL_SECRET" in capsys.readouterr().err
    assert row(sessions, message_id).status == "queued"


@pytest.mark.parametrize(
    ("sid", "sender", "complaint"),
    [("XX123", "+3228080000", "starts with AC"), ("AC" + "0" * 32, "0470123456", "E.164"),
     ("AC" + "0" * 32, "MG123", "Messaging Service SID")],
)
def test_twilio_settings_in_the_wrong_shape_are_named(monkeypatch, sid, sender, complaint):
    monkeypatch.setenv("VERWIJZING_SMS_MODE", "twilio")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", sender)
    with pytest.raises(config.ConfigError, match=complaint):
        sender_from_settings(config.settings())


def test_the_mode_picks_the_sender(monkeypatch, tmp_path):
    monkeypatch.setenv("VERWIJZING_SMS_MODE", "local")
    monkeypatch.setenv("VERWIJZING_SMS_LOG", str(tmp_path / "sms.log"))
    local = sender_from_settings(config.settings())
    assert isinstance(local, LocalLogSender) and local.path == tmp_path / "sms.log"
    monkeypatch.setenv("VERWIJZING_SMS_MODE", "twilio")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "MG" + "a" * 32)
    assert isinstance(sender_from_settings(config.settings()), TwilioSender)


def test_the_outbox_clock_is_aware_utc():
    assert wall_now().tzinfo is dt.UTC
