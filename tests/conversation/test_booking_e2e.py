"""Booking through the real Rasa and action servers: from "hallo" to a confirmed block, then
cancel, move and a used-up credit, and proof that the national number and the phone number are
kept nowhere: the national number typed in eleven spellings (in eleven conversations that each
book: commas, a line break, colons, a Unicode minus and full-width digits among them), the phone
number in nine, searched in every table (Rasa's events included), the raw SQLite
files (the WAL too) and the Rasa and action-server logs."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.conversation.stack import running_stack
from tests.support.database import BACKENDS, dump_rows, temporary_database, valid_insz
from verwijzing.store import make_engine
from verwijzing_rasa.pii import digits

pytestmark = pytest.mark.rasa
DAY = "2027-02-01"
INSZ = valid_insz(dt.date(1985, 7, 30), 33)
TYPED_INSZ = f"{INSZ[:2]}.{INSZ[2:4]}.{INSZ[4:6]}-{INSZ[6:9]}.{INSZ[9:]}"
INTAKE = ["hallo", "ik wil iets anders doen", "bediende", "9000", "12 jaar", "nee", "gestopt na het 4de middelbaar"]
PHONE = "0470 12 34 56"
E164 = "+32470123456"


def _groups(number: str, sizes: tuple[int, ...], marks: list[str]) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at:at + size])
        at += size
    return "".join(p + m for p, m in zip(parts, marks + [""], strict=True))


# The spellings people use (issue 7: the first three were re-asked forever and stored in plain
# text), each for another person, with the phone number typed another way each time. `turns`:
# the phone and the national number in one message, or the phone first and the number when asked.
SPELLINGS = {
    "all-dashes": (lambda n: _groups(n, (2, 2, 2, 3, 2), ["-"] * 4), "0470 12 34 56 en {insz}", 1),
    "date-block": (lambda n: _groups(n, (6, 3, 2), ["-", "-"]), "+32 470 12 34 56, {insz}", 1),
    "stray-spaces": (lambda n: _groups(n, (2, 2, 2, 3, 2), [".", ".", " - ", "."]), "0470/12.34.56", 2),
    "spaces": (lambda n: _groups(n, (2, 2, 2, 3, 2), [" "] * 4), "0470123456 {insz}", 1),
    "bare": (lambda n: n, "bel me op 0032 470 12 34 56, mijn rijksregisternummer is {insz}", 1),
    # Issue 18: separators the shapes did not know were stored in plain text, and re-asked.
    "commas": (lambda n: _groups(n, (2, 2, 2, 3, 2), [","] * 4), "(0470) 12 34 56 en {insz}", 1),
    "line-break": (lambda n: _groups(n, (6, 5), ["\n"]), "+32(470)123456 en mijn nummer is {insz}", 1),
    "colons": (lambda n: _groups(n, (2, 2, 2, 3, 2), [":"] * 4), "0470,12,34,56 en {insz}", 1),
    "unicode-minus": (lambda n: _groups(n, (6, 3, 2), ["\u2212", "\u2212"]), "0470 12 34 56, nummer {insz}", 1),
    "full-width": (lambda n: "".join(chr(ord(c) + 0xFEE0) for c in n),
                   "\uff10\uff14\uff17\uff10 \uff11\uff12 \uff13\uff14 \uff15\uff16 en {insz}", 1),
}
PHONE_SPELLINGS = [PHONE, "+32 470 12 34 56", "0470/12.34.56", "0470123456", "0032 470 12 34 56",
                   "(0470) 12 34 56", "+32(470)123456", "0470,12,34,56",
                   "\uff10\uff14\uff17\uff10 \uff11\uff12 \uff13\uff14 \uff15\uff16"]
PEOPLE = {name: valid_insz(dt.date(1971 + i, 3 + i, 10 + i), 101 + 2 * i) for i, name in enumerate(SPELLINGS)}
OTHER = valid_insz(dt.date(1990, 1, 2), 45)  # the person who cancels and moves
OTHER_PHONE = "0471 22 33 44"


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
    # The offer lists the first free moment of each way of meeting: one choice books it.
    options = replies[-1]
    assert "Wil je meteen een eerste" in options
    online = next(line.split(".")[0] for line in options.splitlines() if line[:1].isdigit() and "online" in line)
    replies.append(say(rasa, sender, online))
    replies.append(say(rasa, sender, f"{PHONE} en {TYPED_INSZ}"))
    return sender, replies, options


@pytest.fixture(scope="module")
def booked_in_every_spelling(stack, booked):
    """One conversation per spelling, from "hallo" to the booking; the replies of each."""
    rasa, _, _ = stack
    conversations = {}
    for name, (spell, message, turns) in SPELLINGS.items():
        sender, typed = f"spelling-{name}", spell(PEOPLE[name])
        replies = [say(rasa, sender, text) for text in INTAKE]
        replies += [say(rasa, sender, "online"), say(rasa, sender, "1")]
        if turns == 1:
            replies.append(say(rasa, sender, message.format(insz=typed)))
        else:
            replies += [say(rasa, sender, message), say(rasa, sender, typed)]
        conversations[name] = (sender, typed, replies)
    return conversations


@pytest.mark.parametrize("name", list(SPELLINGS))
def test_a_booking_succeeds_with_every_spelling_without_asking_again(stack, booked_in_every_spelling, name):
    rasa, _, _ = stack
    sender, typed, replies = booked_in_every_spelling[name]
    reference = slots(rasa, sender)["boeking_referentie"]
    assert reference and f"Je afspraak staat vast. Je referentie is {reference}." in replies[-1], (typed, replies[-2:])
    if SPELLINGS[name][2] == 2:  # the phone alone: only the national number is asked next
        assert "Wat is je rijksregisternummer?" in replies[-2]
    assert len(replies) == len(INTAKE) + 2 + SPELLINGS[name][2]  # nothing was asked twice
    assert not any("rijksregisternummer" in r and "kloppen niet" in r for r in replies)


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


def test_the_decision_is_one_referral_and_the_confirmed_block_is_linked_to_it(stack, booked):
    rasa, actions, _ = stack
    sender = booked[0]
    reference = slots(rasa, sender)["boeking_referentie"]
    engine = make_engine(actions.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT channel, route, booking_reference FROM referrals "
                                           "WHERE conversation_id = :sender"), {"sender": sender}).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [("web", "loopbaankrediet", reference)]


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


def outbox_to(actions, to: str) -> list[str]:
    """The SMS texts queued to `to`, the latest first (the outbox: no worker sends them here)."""
    engine = make_engine(actions.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT body FROM outbox WHERE to_number = :to ORDER BY id DESC"),
                                           {"to": to}).scalars().all())
    finally:
        engine.dispose()


def latest_code(actions, to: str) -> str:
    """The one-time code last queued by SMS to `to`."""
    return next(m.group(1) for body in outbox_to(actions, to)
                if (m := re.search(r"code voor loopbaanbegeleiding is (\d{6})", body)))


def test_a_booking_leaves_no_identity_in_the_conversation(stack, booked):
    rasa, _, _ = stack
    kept = slots(rasa, booked[0])
    assert kept["boeking_referentie"]
    assert not any(kept[name] for name in ("rijksregisternummer", "telefoon", "sms_code"))


def test_more_blocks_need_the_code_sent_to_the_phone_of_the_booking(stack, booked):
    rasa, actions, _ = stack
    sender = booked[0]
    for _ in range(2):  # 6 hours of credit: this person has 2 blocks left after the first
        say(rasa, sender, "ik wil nog een afspraak maken")
        say(rasa, sender, "1")
        asked = say(rasa, sender, f"{PHONE} en {TYPED_INSZ}")
        assert "code van 6 cijfers" in asked and "56" not in asked  # no part of the phone is said
        assert "Je afspraak staat vast" in say(rasa, sender, latest_code(actions, E164))
    say(rasa, sender, "ik wil nog een afspraak maken")
    say(rasa, sender, "1")
    say(rasa, sender, f"{PHONE} en {TYPED_INSZ}")
    assert "Je loopbaankrediet is op" in say(rasa, sender, latest_code(actions, E164))


def test_the_next_person_at_a_shared_pc_cannot_spend_the_credit(stack, booked):
    # Same conversation (the cookie of the person before), the victim's national number typed
    # (a typed number is no proof), another phone: the code goes to the victim's phone.
    rasa, actions, _ = stack
    sender = booked[0]
    say(rasa, sender, "ik wil nog een afspraak maken")
    say(rasa, sender, "1")
    asked = say(rasa, sender, f"0499 99 99 99 en {TYPED_INSZ}")
    assert "code van 6 cijfers" in asked and "56" not in asked  # no part of the victim's phone is said
    # The code goes to the victim's phone, not to the one typed.
    assert latest_code(actions, E164)
    assert not any("code voor loopbaanbegeleiding" in body for body in outbox_to(actions, "+32499999999"))
    replies = [say(rasa, sender, "123456") for _ in range(5)]
    assert "klopt niet" in replies[0] and "geldt niet meer" in replies[-1]
    assert "Je afspraak staat vast" not in "\n".join(replies)
    assert not slots(rasa, sender)["sms_code"]


def test_cancel_and_move_by_reference_need_the_code(stack):
    rasa, actions, _ = stack
    sender = "wijziger"
    for line in INTAKE:
        say(rasa, sender, line.replace("12 jaar", "20 jaar"))
    say(rasa, sender, "telefonisch")
    say(rasa, sender, "3")
    say(rasa, sender, f"{OTHER_PHONE}, {OTHER}")
    reference = slots(rasa, sender)["boeking_referentie"]
    assert reference
    other_e164 = "+32471223344"
    asked = say(rasa, sender, f"kan ik {reference} verplaatsen?")
    assert "code van 6 cijfers" in asked
    say(rasa, sender, latest_code(actions, other_e164))
    moved = say(rasa, sender, OTHER)
    assert "1. " in moved
    assert f"{reference} is verplaatst naar" in say(rasa, sender, "1")
    assert "code van 6 cijfers" in say(rasa, sender, f"annuleer {reference}")
    say(rasa, sender, latest_code(actions, other_e164))
    cancelled = say(rasa, sender, OTHER)
    assert f"{reference} is geannuleerd" in cancelled


def test_meer_shows_the_next_moments_near_home_as_asked(stack):
    """On location near Gent with a wheelchair: the offer says back what it looks for, each moment
    names the place and how far it is, "meer" (and the button's number, as SMS sends it) shows the
    next three, and one of those is booked at a wheelchair-accessible office."""
    rasa, actions, _ = stack
    sender, person = "meer-momenten", valid_insz(dt.date(1979, 5, 6), 71)
    for line in INTAKE:
        say(rasa, sender, line)
    first = rasa.send(sender, "op kantoor graag, ik zit in een rolstoel")
    shown = "\n".join(m.get("text", "") for m in first)
    assert "Ik zoek alleen begeleiders met een kantoor waar je met een rolstoel binnen kan." in shown
    buttons = [b for m in first for b in m.get("buttons") or []]
    assert buttons[-1] == {"title": "4. Andere momenten", "payload": "meer"}
    moments = [line for line in shown.splitlines() if re.match(r"[123]\. ", line)]
    assert len(moments) == 3 and all(" km van je" in m or "in je eigen gemeente" in m for m in moments)
    pages = [moments]
    for asked in ("meer", "4"):  # typed, and the button's number as an SMS would send it
        reply = say(rasa, sender, asked)
        assert "Deze momenten zijn ook vrij:" in reply, reply
        pages.append([line for line in reply.splitlines() if re.match(r"[123]\. ", line)])
    labels = [m.split(". ", 1)[1] for page in pages for m in page]
    assert len(labels) == 9 and len(set(labels)) == 9  # never the same moment twice
    say(rasa, sender, "2")
    confirmed = say(rasa, sender, f"{OTHER_PHONE} en {person}")
    chosen = pages[2][1].split(", met ")[1].split(",")[0]  # the counsellor of "2." on the third list
    assert "Je afspraak staat vast" in confirmed and f"Met wie: {chosen}." in confirmed
    engine = make_engine(actions.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            accessible = connection.execute(text(
                "SELECT c.wheelchair_access FROM bookings b JOIN slots s ON s.id = b.slot_id "
                "JOIN counsellors c ON c.id = s.counsellor_id WHERE b.reference = :reference"),
                {"reference": slots(rasa, sender)["boeking_referentie"]}).scalar_one()
    finally:
        engine.dispose()
    assert accessible


def test_a_need_read_wrongly_is_undone_as_the_offer_says(stack):
    """The offer says what it looked for and how to undo it; "zonder rolstoel" searches again,
    and the nearest offices come back (Gent itself, for someone in Gent)."""
    rasa, _, _ = stack
    sender = "zonder-rolstoel"
    for line in INTAKE:
        say(rasa, sender, line)
    first = say(rasa, sender, "op kantoor, mijn moeder zit in een rolstoel maar ik zit in een rolstoel")
    assert "Klopt dat niet? Typ 'zonder rolstoel'." in first
    again = say(rasa, sender, "zonder rolstoel")
    assert "Ik zoek alleen" not in again and "Deze momenten zijn vrij:" in again, again
    assert "1. " in again and "in je eigen gemeente" in again.splitlines()[1], again


def test_a_language_asked_in_the_story_is_said_with_the_offer_and_undone_as_it_says(stack):
    rasa, actions, _ = stack
    sender = "in-het-frans"
    story = [*INTAKE[:1], "ik wil iets anders doen, liefst met een begeleider die Frans spreekt", *INTAKE[2:]]
    for line in story:
        offer = say(rasa, sender, line)
    assert "Ik zoek alleen begeleiders die Frans spreken. Klopt dat niet? Typ 'in het Nederlands'." in offer
    french = say(rasa, sender, "op kantoor")
    names = {line.split(", met ")[1].split(",")[0] for line in french.splitlines() if re.match(r"[123]\. ", line)}
    engine = make_engine(actions.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            speak = {name: set(connection.execute(text(
                "SELECT l.language FROM counsellor_languages l JOIN counsellors c ON c.id = l.counsellor_id "
                "WHERE c.name = :name"), {"name": name}).scalars()) for name in names}
    finally:
        engine.dispose()
    assert names and all("fr" in languages for languages in speak.values()), speak
    dutch = say(rasa, sender, "in het Nederlands")
    assert "Ik zoek alleen" not in dutch and "op kantoor in Gent, in je eigen gemeente" in dutch, dutch


# Last: the privacy checks read what every conversation above left behind.
def _forms(number: str) -> set[str]:
    """The number as typed in the tests, and the pieces of it that would give it away."""
    return {number, number[:9], number[2:], f"{number[:6]}-{number[6:9]}"}


# Where the phone number is kept on purpose: the booking (until its SMS is sent) and the SMS queue.
PHONE_KEPT_IN = {("bookings", "phone"), ("outbox", "to_number")}


def _stored(actions) -> tuple[dict, list]:
    engine = make_engine(actions.env["DATABASE_URL"])
    try:
        return dump_rows(engine), [ix["column_names"] for ix in inspect(engine).get_indexes("events")]
    finally:
        engine.dispose()


def _is_phone_slot(table: str, row: dict) -> bool:
    return table == "events" and row.get("type_name") == "slot" and '"name": "telefoon"' in (row.get("data") or "")


def test_no_spelling_of_the_national_number_or_the_phone_is_kept_anywhere(stack, booked, booked_in_every_spelling):
    rasa, actions, tmp = stack
    typed = [TYPED_INSZ] + [t for _, t, _ in booked_in_every_spelling.values()]
    numbers = [INSZ, OTHER, *PEOPLE.values()]
    # The conversations as Rasa keeps them: each typed message is redacted, every spelling.
    for sender in [booked[0], "wijziger"] + [s for s, _, _ in booked_in_every_spelling.values()]:
        events = rasa.tracker(sender)["events"]
        users = [e.get("text") or "" for e in events if e["event"] == "user"]
        assert any("[rijksregisternummer]" in t for t in users), sender
        assert any("[telefoon]" in t for t in users), sender
    # The replies as the person read them, before anything was stored: the bot never repeats a
    # number. (Stored bot messages are redacted by shape too, so this is checked on the live ones.)
    replies = "\n".join(booked[1] + [r for _, _, rs in booked_in_every_spelling.values() for r in rs])
    assert not any(n in digits(replies) for n in numbers) and "470123456" not in digits(replies)

    rows, indexed = _stored(actions)
    assert rows["events"] and rows["bookings"]
    assert ["sender_id"] in indexed
    # Every row of every table, Rasa's tracker store included (it is this same database), except
    # the phone where it is kept on purpose and the phone slot (test below).
    everything = repr({table: [{k: v for k, v in row.items() if (table, k) not in PHONE_KEPT_IN}
                               for row in table_rows if not _is_phone_slot(table, row)]
                       for table, table_rows in rows.items()})
    logs = rasa.log.read_text() + actions.log.read_text()
    raw = b""
    if actions.env["DATABASE_URL"].startswith("sqlite:///"):  # the file itself, the WAL too
        database = Path(actions.env["DATABASE_URL"].removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert raw
    searched = [form for number in numbers for form in _forms(number)] + typed
    searched += PHONE_SPELLINGS + [OTHER_PHONE, digits(OTHER_PHONE), E164, "470123456"]
    for form in searched:
        assert form not in everything, form
        assert form not in logs, form
        if form not in (E164, "470123456", digits(E164)):  # the booking keeps E164 on purpose
            assert form.encode() not in raw, form
    assert not any(n in digits(everything) for n in numbers)
    # The phone is kept where the SMS needs it, in its one normal form.
    assert E164 in {row["phone"] for row in rows["bookings"]} | {row["to_number"] for row in rows["outbox"]}


def test_the_phone_number_is_not_in_rasas_events(stack, booked, booked_in_every_spelling):
    rows, _ = _stored(stack[1])
    assert "470123456" not in digits(repr(rows["events"]))
