"""Soak (issue 10, item 4): many web conversations through the gateway, then the booking invariants.

usage: .venv/bin/python scripts/soak.py [--conversations 500] [--concurrency 20] [--postgres]

The real stack (Rasa, our action server, the tracker store) and the gateway from `init_app`,
served on a localhost port. Each conversation is a browser: its own cookie jar, `POST /chat`
turn by turn. Every fifth conversation books a block (the booking test's answers, each with its
own national number); the others end at the decision. Afterwards, with SQL on the database:
- no slot is held or confirmed twice;
- per citizen key, the ledger's reservations, releases, debits and refunds together equal the
  minutes of that citizen's confirmed or attended blocks;
- every booking conversation that was told "Je afspraak staat vast" has a confirmed booking.
Exit 1 on any error, lost turn or broken invariant.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import text
from tqdm import tqdm

from bench.script import DECISION_MARK
from tests.conversation.stack import TOKEN, free_port, running_stack
from tests.conversation.test_booking_e2e import DAY, INTAKE
from tests.support.database import valid_insz
from verwijzing.config import settings
from verwijzing.gateway import init_app
from verwijzing.store import make_engine

BOOK_EVERY = 5
PHONE = "0470 12 34 56"
CONFIRMED = "Je afspraak staat vast"
TURN_TIMEOUT_S = 120
SECRET = "soak-channel-secret"


def script(number: int) -> tuple[list[str], bool]:
    """The turns of conversation `number`, and whether it books."""
    if number % BOOK_EVERY:
        return list(INTAKE), False
    insz = valid_insz(dt.date(1960, 1, 1) + dt.timedelta(days=number), 1 + number % 997)
    return [*INTAKE, "online", "1", f"{PHONE} en {insz}"], True


@dataclass
class SoakResult:
    conversations: int = 0
    turns: int = 0
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # answered, but without any bot message
    booked_told: int = 0
    # What a booker who was not told "booked" read after choosing moment "1" (its first line): why
    # the booking did not happen (everyone picks the first free moment, 20 at a time).
    not_booked: collections.Counter[str] = field(default_factory=collections.Counter)
    decided: int = 0  # conversations that reached the decision (one conversation, not six)
    wall_s: float = 0.0


async def conversation(base: str, number: int, result: SoakResult, progress) -> None:
    turns, books = script(number)
    # unsafe=True: keep the cookie of an IP address (127.0.0.1), as a browser does for localhost.
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT_S), cookie_jar=jar) as browser:
        said = picked = ""
        for index, turn in enumerate(turns):
            try:
                async with browser.post(f"{base}/chat", json={"message": turn}) as response:
                    body = await response.json(content_type=None)
                    status = response.status
            except (TimeoutError, aiohttp.ClientError, ValueError) as error:
                result.errors.append(f"#{number} {turn!r}: {type(error).__name__}: {error}")
                break
            result.turns += 1
            progress.update(1)
            if status != 200:
                result.errors.append(f"#{number} {turn!r}: HTTP {status} {body}")
                break
            messages = [m for m in body.get("messages", []) if m.get("text") or m.get("buttons")]
            if not messages:
                result.lost.append(f"#{number} {turn!r}")
            said = "\n".join(m.get("text", "") for m in messages)
            if books and index == len(INTAKE) + 1:  # the answer to "1", the first free moment
                picked = said
            if index == len(INTAKE) - 1 and DECISION_MARK in said:
                result.decided += 1
        if books and CONFIRMED in said:
            result.booked_told += 1
        elif books:
            result.not_booked[picked.strip().split("\n")[0][:120]] += 1
    result.conversations += 1


def check_invariants(database_url: str) -> dict[str, object]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as db:
            double = db.execute(text(
                "SELECT slot_id, COUNT(*) FROM bookings WHERE status IN ('held', 'confirmed') "
                "GROUP BY slot_id HAVING COUNT(*) > 1")).all()
            blocks = db.execute(text(
                "SELECT b.citizen_key, s.starts_at, s.ends_at FROM bookings b JOIN slots s ON s.id = b.slot_id "
                "WHERE b.status IN ('confirmed', 'attended')")).all()
            ledger = db.execute(text(
                "SELECT citizen_key, -SUM(minutes) FROM ledger_entries "
                "WHERE reason IN ('reserve', 'release', 'debit', 'refund') "
                "GROUP BY citizen_key")).all()
            confirmed = db.execute(text("SELECT COUNT(*) FROM bookings WHERE status = 'confirmed'")).scalar_one()
    finally:
        engine.dispose()
    booked_minutes: collections.Counter[str] = collections.Counter()
    for key, starts, ends in blocks:
        starts, ends = (dt.datetime.fromisoformat(v) if isinstance(v, str) else v for v in (starts, ends))
        booked_minutes[key] += int((ends - starts).total_seconds() // 60)
    spent = {key: int(minutes) for key, minutes in ledger if minutes}
    mismatched = {key for key in set(spent) | set(booked_minutes) if spent.get(key, 0) != booked_minutes.get(key, 0)}
    return {"double_booked_slots": [tuple(row) for row in double], "ledger_mismatches": sorted(mismatched),
            "confirmed_bookings": confirmed}


async def _serve_and_run(config, conversations: int, concurrency: int) -> SoakResult:
    runner = web.AppRunner(init_app(config))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    base = f"http://127.0.0.1:{port}"
    result = SoakResult()
    numbers = iter(range(conversations))
    total = sum(len(script(n)[0]) for n in range(conversations))
    progress = tqdm(total=total, desc="soak", unit="turn", leave=False, ncols=90, mininterval=1)

    async def worker() -> None:
        for number in numbers:
            await conversation(base, number, result, progress)

    start = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        result.wall_s = time.perf_counter() - start
        progress.close()
        await runner.cleanup()
    return result


def soak(tmp: Path, conversations: int, concurrency: int, database_url: str | None = None) -> dict[str, object]:
    """Runs the soak on a fresh stack; returns the figures and the invariants' findings."""
    os.environ.setdefault("VERWIJZING_CHANNEL_SECRET", SECRET)  # the gateway's cookie ids need one
    with running_stack(tmp, database_url=database_url, VERWIJZING_PEILDATUM=DAY) as (rasa, actions):
        url = actions.env["DATABASE_URL"]
        config = dataclasses.replace(settings(), database_url=url, rasa_url=rasa.base, rasa_urls=(),
                                     rasa_auth_token=TOKEN, action_server_url=actions.url,
                                     public_base_url="http://localhost:8080", channel_secret=SECRET.encode(),
                                     # Every soak conversation comes from this one address.
                                     rate_limits=False)
        result = asyncio.run(_serve_and_run(config, conversations, concurrency))
        invariants = check_invariants(url)
    bookers = sum(1 for n in range(conversations) if script(n)[1])
    return {"conversations": result.conversations, "turns": result.turns, "errors": result.errors,
            "lost_turns": result.lost, "bookers": bookers, "told_booked": result.booked_told,
            "decided": result.decided, "not_booked_after_pick": dict(result.not_booked.most_common()),
            "wall_s": round(result.wall_s, 1), **invariants}


def problems(outcome: dict[str, object], conversations: int) -> list[str]:
    found = []
    if outcome["conversations"] != conversations:
        found.append(f"{outcome['conversations']} of {conversations} conversations finished")
    if outcome["errors"]:
        found.append(f"{len(outcome['errors'])} errors, e.g. {outcome['errors'][:3]}")
    if outcome["lost_turns"]:
        found.append(f"{len(outcome['lost_turns'])} turns without a bot message, e.g. {outcome['lost_turns'][:3]}")
    if outcome["decided"] != conversations:
        found.append(f"{outcome['decided']} of {conversations} conversations reached the decision")
    if outcome["double_booked_slots"]:
        found.append(f"slots booked twice: {outcome['double_booked_slots'][:5]}")
    if outcome["ledger_mismatches"]:
        found.append(f"ledger differs from the confirmed blocks for {len(outcome['ledger_mismatches'])} citizens")
    if outcome["told_booked"] != outcome["confirmed_bookings"]:
        found.append(f"{outcome['told_booked']} people were told their block is booked, "
                     f"{outcome['confirmed_bookings']} bookings are confirmed")
    if outcome["told_booked"] == 0 and outcome["bookers"]:
        found.append("nobody could book")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="soak", description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="verwijzing-soak-") as folder, contextlib.ExitStack() as exits:
        url = None
        if args.postgres:
            from bench.__main__ import postgres_admin_url
            from tests.support.database import temporary_postgres_database
            url = exits.enter_context(temporary_postgres_database(postgres_admin_url()))
        outcome = soak(Path(folder), args.conversations, args.concurrency, url)
    found = problems(outcome, args.conversations)
    print(f"\nsoak: {outcome['conversations']} conversations, {outcome['turns']} turns in {outcome['wall_s']} s "
          f"({outcome['turns'] / max(outcome['wall_s'], 0.001):.1f} turns/s, concurrency {args.concurrency}); "
          f"errors {len(outcome['errors'])}, lost turns {len(outcome['lost_turns'])}; "
          f"{outcome['decided']} reached the decision; "
          f"{outcome['told_booked']} of {outcome['bookers']} bookers booked, "
          f"{outcome['confirmed_bookings']} confirmed bookings; slots booked twice: "
          f"{len(outcome['double_booked_slots'])}; ledger mismatches: {len(outcome['ledger_mismatches'])}")
    for reply, count in outcome["not_booked_after_pick"].items():
        print(f"  {count} bookers not booked; the answer to their choice of moment 1 began: {reply!r}")
    for problem in found:
        print(f"FAIL: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
