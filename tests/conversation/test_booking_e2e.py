"""Booking through the real Rasa and action servers: from "hallo" to a confirmed block, then
cancel, move and a used-up credit, and proof that the national number is kept nowhere."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from verwijzing.store import make_engine
from verwijzing.store.testing import BACKENDS, dump_rows, temporary_database, valid_insz

from .stack import running_stack

pytestmark = pytest.mark.rasa
DAY = "2027-02-01"
INSZ = valid_insz(dt.date(1985, 7, 30), 33)
TYPED_INSZ = f"{INSZ[:2]}.{INSZ[2:4]}.{INSZ[4:6]}-{INSZ[6:9]}.{INSZ[9:]}"
INTAKE = ["hallo", "ik wil iets anders doen", "bediende", "9000", "12 jaar", "gestopt na het 4de middelbaar"]


@pytest.fixture(scope="module", params=BACKENDS)
def stack(request, tmp_path_factory):
    """The whole stack on one database: Rasa's tracker store, bookings and ledger together."""
    tmp = tmp_path_factory.mktemp(f"booking-{request.param}")
    with temporary_database(request.param) as url:
        with running_stack(tmp, database_url=url, VERWIJZING_PEILDATUM=DAY) as (rasa, actions):
            yield rasa, actions, tmp


def say(rasa, sender, text) -> str:
    return "\n".join(m.get("text", "") for m in rasa.send(sender, text))


def slots(rasa, sender) -> dict:
    return rasa.tracker(sender)["slots"]


@pytest.fixture(scope="module")
def booked(stack):
    rasa, _, _ = stack
    sender = "boeker"
    replies = [say(rasa, sender, text) for text in INTAKE]
    assert "Wil je meteen een eerste gesprek" in replies[-1]
    options = say(rasa, sender, "online")
    replies += [options, say(rasa, sender, "de tweede")]
    replies.append(say(rasa, sender, f"0470 12 34 56 en {TYPED_INSZ}"))
    return sender, replies, options


def test_intake_to_a_booked_block_in_at_most_9_answers(stack, booked):
    rasa, _, _ = stack
    sender, replies, options = booked
    assert len(replies) <= 9
    assert "1. " in options and "2. " in options and "3. " in options
    reference = slots(rasa, sender)["boeking_referentie"]
    assert reference and reference.startswith("LK-")
    confirmation = replies[-1]
    assert f"Je afspraak staat vast. Je referentie is {reference}." in confirmation
    assert "kost je 30 euro" in confirmation  # a kortgeschoolde pays 15 euro per hour, 2 hours
    assert ".ics?t=" in confirmation


def test_the_booking_is_found_by_the_cli(stack, booked):
    rasa, actions, _ = stack
    reference = slots(rasa, booked[0])["boeking_referentie"]
    cli = Path(sys.executable).with_name("verwijzing")
    shown = subprocess.run([str(cli), "booking", "show", reference], capture_output=True, text=True,
                           env={**os.environ, "DATABASE_URL": actions.env["DATABASE_URL"]}, timeout=60)
    assert shown.returncode == 0, shown.stderr
    booking = json.loads(shown.stdout)
    assert (booking["status"], booking["channel"], booking["modality"]) == ("confirmed", "web", "online")
    missing = subprocess.run([str(cli), "booking", "show", "LK-ZZZZ"], capture_output=True, text=True,
                             env={**os.environ, "DATABASE_URL": actions.env["DATABASE_URL"]}, timeout=60)
    assert missing.returncode == 1


def test_the_national_number_is_kept_nowhere(stack, booked):
    rasa, actions, tmp = stack
    forms = {INSZ, TYPED_INSZ, INSZ[:9], f"{INSZ[:6]}-{INSZ[6:9]}"}
    # The conversation as Rasa keeps it: the typed message is redacted.
    texts = [e.get("text") or "" for e in rasa.tracker(booked[0])["events"]]
    assert any("[rijksregisternummer]" in t for t in texts)
    # Every row of every table, Rasa's tracker store included: it is this same database.
    engine = make_engine(actions.env["DATABASE_URL"])
    try:
        rows = dump_rows(engine)
        indexed = [ix["column_names"] for ix in inspect(engine).get_indexes("events")]
    finally:
        engine.dispose()
    assert rows["events"] and rows["bookings"]
    assert ["sender_id"] in indexed
    dump = repr(rows)
    logs = rasa.log.read_text() + actions.log.read_text()
    raw = b""
    if actions.env["DATABASE_URL"].startswith("sqlite:///"):  # the file itself, the WAL too
        database = Path(actions.env["DATABASE_URL"].removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for form in forms:
        assert form not in dump
        assert form not in logs
        assert form.encode() not in raw


def test_more_blocks_until_the_credit_is_used_up(stack, booked):
    rasa, _, _ = stack
    sender = booked[0]
    for _ in range(2):  # 6 hours of credit: this person has 2 blocks left after the first
        say(rasa, sender, "ik wil nog een afspraak maken")
        reply = say(rasa, sender, "1")
        assert "Je afspraak staat vast" in reply
    say(rasa, sender, "ik wil nog een afspraak maken")
    reply = say(rasa, sender, "1")
    assert "Je hebt nog 0 uur over" in reply


def test_cancel_and_move_by_reference(stack):
    rasa, _, _ = stack
    sender = "wijziger"
    for text in INTAKE:
        say(rasa, sender, text.replace("12 jaar", "20 jaar"))
    say(rasa, sender, "telefonisch")
    say(rasa, sender, "3")
    other = valid_insz(dt.date(1990, 1, 2), 45)
    say(rasa, sender, f"0471 22 33 44, {other}")
    reference = slots(rasa, sender)["boeking_referentie"]
    assert reference
    moved = say(rasa, sender, f"kan ik {reference} verplaatsen?")
    assert "1. " in moved
    assert f"{reference} is verplaatst naar" in say(rasa, sender, "1")
    cancelled = say(rasa, sender, f"annuleer {reference}")
    assert f"{reference} is geannuleerd" in cancelled
