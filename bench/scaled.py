"""Two Rasa servers against one, on PostgreSQL and Redis (`make run-scaled`'s topology).

usage: .venv/bin/python -m bench.scaled [--rounds 3] [--turns 20:600,100:1200]

Starts the scaled stack of `make run-scaled` (endpoints.scaled.yml: SQL tracker store on
PostgreSQL, Rasa's Redis lock store; Rasa A calls action server A, B calls B) on a temporary
database, then, per concurrency level, sends the same scripted conversations first all to Rasa A
(one server; B idles) and then to A and B in turn, as the gateway spreads them; one, two, one,
two, ... for --rounds rounds. Same processes, same database, same run: the ratio two/one is the
gain of the second server. It also reports CPU
per turn of each part and the machine's cores: on a machine with fewer cores than busy processes
the second server can only take what the first leaves of the CPU.

Needs VERWIJZING_BENCH_POSTGRES_URL (or VERWIJZING_TEST_POSTGRES_URL) and Redis
(VERWIJZING_TEST_REDIS_URL, default redis://127.0.0.1:6379/9).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import psutil

from bench.__main__ import OUT, cpu_per_turn, log, parse_turns, postgres_admin_url, warm_up
from bench.load import run_level
from bench.report import median_of, summary
from bench.script import DECISION_MARK, OUR_SCRIPT, SCRIPT_DAY
from bench.stacks import REST_PATH, Stack
from tests.scale.cluster import require_redis, two_of_everything, unique_key_prefix


def _cpu(stacks: list[Stack]) -> dict[str, float]:
    """CPU seconds so far of every part on this machine: both servers, PostgreSQL, the load generator."""
    parts = {f"{name}-{'ab'[k]}": value
             for k, stack in enumerate(stacks) for name, value in stack.cpu_seconds().items()}
    return {**parts, "postgres": _postgres_cpu(), "load generator": _own_cpu()}


def _postgres_cpu() -> float:
    """CPU of the PostgreSQL server's processes on this machine (all its backends)."""
    total = 0.0
    for process in psutil.process_iter(["name"]):
        if (process.info["name"] or "").startswith("postgres"):
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                continue
    return total


def _own_cpu() -> float:
    """This process's CPU: the load generator shares the machine's cores with the servers."""
    times = psutil.Process().cpu_times()
    return times.user + times.system


async def _one(stacks: list[Stack], used: list[Stack], label: str, concurrency: int, count: int) -> dict:
    log(f"{label} Rasa server(s): {concurrency} concurrent conversations, {count} turns")
    before = _cpu(stacks)
    result = await run_level([s.webhook for s in used], OUR_SCRIPT, concurrency, count,
                             f"{label} x{concurrency}", prefix=f"scaled-{label}")
    return {**summary(result), "cpu_ms_per_turn": cpu_per_turn(before, _cpu(stacks), result.turns)}


async def _measure(stacks: list[Stack], turns: dict[int, int], rounds: int) -> list[dict]:
    for stack in stacks:
        await warm_up(stack, OUR_SCRIPT, DECISION_MARK)
    levels = []
    for concurrency, count in turns.items():
        runs: dict[str, list[dict]] = {"one": [], "two": []}
        for _ in range(rounds):  # one, two, one, two, ...: noise hits both
            for label, used in (("one", stacks[:1]), ("two", stacks)):
                runs[label].append(await _one(stacks, used, label, concurrency, count))
        level = {"concurrency": concurrency, "one": median_of(runs["one"]), "two": median_of(runs["two"]),
                 "rounds": runs}
        one, two = level["one"]["throughput_turns_per_s"], level["two"]["throughput_turns_per_s"]
        level["throughput_two_over_one"] = round(two / one, 2) if one else None
        level["round_ratios"] = [round(t["throughput_turns_per_s"] / o["throughput_turns_per_s"], 2)
                                 for o, t in zip(runs["one"], runs["two"], strict=True)]
        levels.append(level)
    return levels


def table(levels: list[dict]) -> str:
    rounds = len(levels[0]["rounds"]["one"]) if levels else 0
    lines = [f"medians of {rounds} rounds per level" if rounds > 1 else "one round per level",
             f"{'conc':>4} | {'servers':<7} | {'p50 ms':>7} | {'p95 ms':>7} | {'turns/s':>7} | {'errors':>6} | "
             "CPU ms per turn", "-" * 100]
    for level in levels:
        for label in ("one", "two"):
            row = level[label]
            busy = {part: ms for part, ms in row["cpu_ms_per_turn"].items() if ms >= 0.5}
            lines.append(f"{level['concurrency']:>4} | {label:<7} | {row['p50_ms']:>7} | {row['p95_ms']:>7} | "
                         f"{row['throughput_turns_per_s']:>7} | {row['errors']:>6} | "
                         + ", ".join(f"{part} {ms}" for part, ms in busy.items()))
        lines.append(f"{'':>4} | throughput two/one (medians): {level['throughput_two_over_one']}; each round: "
                     + " / ".join(str(r) for r in level["round_ratios"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.scaled", description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=parse_turns, default={20: 600, 100: 1200})
    parser.add_argument("--rounds", type=int, default=3, help="one, two, one, two, ...; the table has the medians")
    args = parser.parse_args()
    from tests.support.database import temporary_postgres_database
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="verwijzing-scaled-") as folder, ExitStack() as exits:
        database_url = exits.enter_context(temporary_postgres_database(postgres_admin_url()))
        redis_env = require_redis(unique_key_prefix())
        log("starting 2 Rasa servers and 2 action servers on PostgreSQL and Redis")
        rasas, actions = exits.enter_context(two_of_everything(Path(folder), database_url, redis_env,
                                                               VERWIJZING_PEILDATUM=SCRIPT_DAY))
        stacks = [Stack("ours", rasa.base, [rasa.process.pid, server.process.pid], ["rasa", "actions"])
                  for rasa, server in zip(rasas, actions, strict=True)]
        assert all(stack.webhook.endswith(REST_PATH) for stack in stacks)
        levels = asyncio.run(_measure(stacks, args.turns, args.rounds))
    result = {"date": dt.datetime.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(), "levels": levels,
              "total_s": round(time.monotonic() - started)}
    written = OUT / "result-scaled.json"
    written.write_text(json.dumps(result, indent=2) + "\n")
    print(table(levels))
    print(f"\nCPU cores on this machine: {os.cpu_count()}\nwritten: {written.relative_to(OUT.parents[1])}")


if __name__ == "__main__":
    sys.exit(main())
