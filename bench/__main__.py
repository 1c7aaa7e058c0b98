"""`make bench` (scripts/bench.sh): stock Rasa's moodbot against our stack, in one run.

usage: .venv/bin/python -m bench [--postgres] [--ours-only] [--rounds 3] [--turns 1:60,20:600,100:1200]

Both stacks run at the same time on this machine; each concurrency level is measured on stock
first, then on ours, so noise of the shared machine hits both within minutes of each other. This
is a benchmark, not a test: nothing fails on a number (only on errors in the harness itself).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from bench import stock
from bench.load import one_conversation, run_level
from bench.report import median_of, ratios, summary, table
from bench.script import DECISION_MARK, OUR_SCRIPT, SCRIPT_DAY
from bench.stacks import our_stack, stock_stack

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"
# Enough turns per level that one garbage-collector pause or one noisy second moves p95 little.
DEFAULT_TURNS = {1: 60, 20: 600, 100: 1200}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def postgres_admin_url() -> str:
    url = os.environ.get("VERWIJZING_BENCH_POSTGRES_URL") or os.environ.get("VERWIJZING_TEST_POSTGRES_URL")
    if not url:
        sys.exit("--postgres: set VERWIJZING_BENCH_POSTGRES_URL (a server where the benchmark may create a database)")
    return url


def parse_turns(text: str) -> dict[int, int]:
    return {int(level): int(turns) for level, turns in (part.split(":") for part in text.split(","))}


async def warm_up(stack, script: list[str], expect: str | None) -> float:
    """One conversation, alone: returns the first turn's milliseconds (the first after start)."""
    turns = await one_conversation(stack.webhook, script, f"warmup-{stack.name}-{uuid.uuid4().hex[:6]}")
    if expect:
        said = " ".join(m.get("text", "") for m in turns[-1][1])
        if expect not in said:
            raise SystemExit(f"{stack.name}: the script did not reach the decision; last reply: {said[:300]!r}")
    return round(turns[0][0] * 1000, 1)


def cpu_per_turn(before: dict[str, float], after: dict[str, float], turns: int) -> dict[str, float]:
    return {part: round(1000 * (after[part] - before[part]) / turns, 1) for part in before} if turns else {}


async def _one_level(stack, script: list[str], concurrency: int, count: int) -> dict:
    log(f"{stack.name}: {concurrency} concurrent conversations, {count} turns")
    cpu_before = stack.cpu_seconds()
    result = await run_level(stack.webhook, script, concurrency, count, f"{stack.name} x{concurrency}")
    row = summary(result)
    row["cpu_ms_per_turn"] = cpu_per_turn(cpu_before, stack.cpu_seconds(), result.turns)
    return row


async def measure(stacks: dict, turns: dict[int, int], rounds: int = 1) -> dict:
    """Each level `rounds` times, stock and ours one after the other in every round, so that a
    noisy minute of the shared machine hits both; the table gives the median of the rounds."""
    scripts = {"stock": stock.SCRIPT, "ours": OUR_SCRIPT}
    expect = {"stock": None, "ours": DECISION_MARK}
    first = {name: await warm_up(stacks[name], scripts[name], expect[name]) for name in stacks}
    rss = {name: stack.rss_bytes() for name, stack in stacks.items()}
    levels = []
    for concurrency, count in turns.items():
        runs: dict[str, list[dict]] = {name: [] for name in stacks}
        for _ in range(rounds):
            for name in stacks:
                runs[name].append(await _one_level(stacks[name], scripts[name], concurrency, count))
                rss[name] = max(rss[name], stacks[name].rss_bytes())
        level = {"concurrency": concurrency, **{name: median_of(rows) for name, rows in runs.items()},
                 "rounds": runs}
        if len(stacks) == 2:
            level["ratio_ours_over_stock"] = ratios(level["stock"], level["ours"])
            level["round_ratios"] = [ratios(s, o) for s, o in zip(runs["stock"], runs["ours"], strict=True)]
        levels.append(level)
    return {"levels": levels, "first_turn_ms": first, "rounds": rounds,
            "rss_mb": {name: round(value / 2**20) for name, value in rss.items()},
            "scripts": scripts}


def start_all(starting: dict, exits: contextlib.ExitStack) -> dict:
    """Enters the stacks' context managers in parallel threads (each start is mostly waiting on
    a Rasa model load); every one that started is stopped on exit, also when another failed."""
    with ThreadPoolExecutor(len(starting)) as pool:
        futures = {name: pool.submit(manager.__enter__) for name, manager in starting.items()}
        wait(futures.values())
    stacks, failure = {}, None
    for name, future in futures.items():
        if future.exception() is None:
            stacks[name] = future.result()
            exits.push(starting[name])
        else:
            failure = future.exception()
    if failure:
        raise failure
    return stacks


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help="our tracker store and tables on PostgreSQL")
    parser.add_argument("--turns", type=parse_turns, default=DEFAULT_TURNS,
                        help="concurrency:turns pairs, e.g. 1:60,20:600,100:1200")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each level is measured (stock, ours, stock, ours, ...); the table has the medians")
    parser.add_argument("--ours-only", action="store_true",
                        help="skip stock Rasa (quick before/after checks while profiling; no ratios)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="verwijzing-bench-") as folder, contextlib.ExitStack() as stack:
        tmp = Path(folder)
        project = tmp / "moodbot"
        starting = {}
        if not args.ours_only:
            stock.scaffold(project)
            model = stock.trained_model(project, OUT, log)
            starting["stock"] = stock_stack(project, model, tmp)
        database_url = None
        if args.postgres:
            from tests.support.database import temporary_postgres_database
            database_url = stack.enter_context(temporary_postgres_database(postgres_admin_url()))
        starting["ours"] = our_stack(tmp, database_url, SCRIPT_DAY)
        log(f"starting {' and '.join(starting)} at the same time (stock: Rasa; ours: Rasa + action server)")
        stacks = start_all(starting, stack)
        log("both up" if len(stacks) == 2 else "up")
        result = asyncio.run(measure(stacks, args.turns, args.rounds))
    result.update({"date": dt.datetime.now().isoformat(timespec="seconds"), "rasa": stock.rasa_version(),
                   "tracker_store": "postgresql" if args.postgres else "sqlite", "cpus": os.cpu_count(),
                   "ours_processes": "Rasa + action server"
                   + (" (PostgreSQL server not counted)" if args.postgres else ""),
                   "total_s": round(time.monotonic() - started)})
    written = OUT / ("result-ours-only.json" if args.ours_only else "result.json")
    written.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nwritten: {written.relative_to(ROOT)} ({result['total_s']} s in all)")


if __name__ == "__main__":
    main()
