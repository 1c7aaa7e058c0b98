"""Where a turn of ours goes: py-spy samples Rasa and the action server while conversations run.

usage: .venv/bin/python -m bench.profile [--concurrency 20] [--turns 120] [--postgres]

Starts our stack, warms it up, then records both processes with py-spy (sampling, from outside:
no change to the code under test; each sample pauses the process for a moment, so the stacks are
exact and the turns a little slower) during one load level, and prints for each process the
functions that hold the most samples, by own time and including callees. The raw collapsed
stacks are kept in build/bench/profile-<process>.txt (open them in speedscope for a flame graph).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.__main__ import OUT, log, postgres_admin_url, warm_up
from bench.load import run_level
from bench.report import summary
from bench.script import DECISION_MARK, OUR_SCRIPT, SCRIPT_DAY
from bench.stacks import our_stack

PY_SPY = Path(sys.executable).with_name("py-spy")


def top_frames(collapsed: Path, count: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """(own, inclusive) shares of samples per function, from py-spy's collapsed stacks; idle
    samples (the event loop waiting in select/epoll) are left out of the total."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = stack.split(";")
        if any(word in frames[-1] for word in ("select (selectors", "poll (selectors", "_worker (concurrent",
                                                "wait (threading", "_run_once")) and len(frames) < 8:
            continue
        n = int(samples)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    share = lambda counter: [(frame, 100 * n / total) for frame, n in counter.most_common(count)]  # noqa: E731
    return share(own), share(inclusive)


async def _load(stack, concurrency: int, turns: int) -> dict:
    return summary(await run_level(stack.webhook, OUR_SCRIPT, concurrency, turns, f"ours x{concurrency}"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.profile")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--turns", type=int, default=120)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if not PY_SPY.exists():
        sys.exit("py-spy is missing: scripts/bench.sh installs it (.venv/bin/pip install -e '.[bench]')")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="verwijzing-profile-") as folder:
        tmp = Path(folder)
        with ExitStack() as exits:
            url = None
            if args.postgres:
                from tests.support.database import temporary_postgres_database
                url = exits.enter_context(temporary_postgres_database(postgres_admin_url()))
            stack = exits.enter_context(our_stack(tmp, url, SCRIPT_DAY))
            rasa_pid, actions_pid = stack.pids
            asyncio.run(warm_up(stack, OUR_SCRIPT, DECISION_MARK))
            recorders = {}
            for name, pid in (("rasa", rasa_pid), ("actions", actions_pid)):
                out = tmp / f"{name}.txt"
                recorders[name] = (out, subprocess.Popen(
                    [str(PY_SPY), "record", "--pid", str(pid), "--format", "raw", "--output", str(out),
                     "--rate", "200", "--subprocesses"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            log(f"recording with py-spy: {args.concurrency} concurrent conversations, {args.turns} turns")
            result = asyncio.run(_load(stack, args.concurrency, args.turns))
            for _, process in recorders.values():
                process.send_signal(2)  # SIGINT: py-spy writes its file and stops
                process.wait(timeout=60)
        print(f"load: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
              f"{result['throughput_turns_per_s']} turns/s, {result['errors']} errors")
        for name, (out, _) in recorders.items():
            kept = OUT / f"profile-{name}.txt"
            shutil.copy(out, kept)
            own, inclusive = top_frames(kept, args.top)
            print(f"\n== {name}: own time (% of busy samples)")
            for frame, pct in own:
                print(f"{pct:5.1f}%  {frame}")
            print(f"\n== {name}: including callees")
            for frame, pct in inclusive:
                print(f"{pct:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
