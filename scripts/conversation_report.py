"""Conversation success on held-out people (issue 7): whole conversations through the real stack.

Plays every person of tests/conversation/heldout_personen.yml through the real Rasa and action
servers (one stack; the action server restarted per reference date), prints a line per person,
the figures, and each failure with the assistant's last three messages. Run from
`make nlu-report` (scripts/nlu_report.sh) or alone:

    .venv/bin/python scripts/conversation_report.py [--model models/verwijzing.tar.gz]

Exit 1 when someone does not reach a decision or a message is said three times (the target:
every person reaches a decision).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="the trained Rasa model (default models/verwijzing.tar.gz)")
    parser.add_argument("--only", action="append", help="play only this person (by naam); repeatable")
    args = parser.parse_args()
    if args.model:
        # Read by tests/conversation/stack.py when it is imported.
        os.environ["VERWIJZING_TEST_MODEL"] = str(Path(args.model).resolve())
    os.chdir(ROOT)  # Rasa must run from the project root
    sys.path.insert(0, str(ROOT))
    from tests.conversation.personas import load_personas, play_all, success_line

    personas = load_personas()
    if args.only:
        personas = [p for p in personas if p.naam in args.only]
    print(f"conversations: {len(personas)} held-out people through the real Rasa and action servers")
    start = time.monotonic()

    def progress(result) -> None:
        mark = "ok  " if result.decided and result.route_ok and not result.said_three_times else "MISS"
        print(f"  {mark} {result.summary()}", flush=True)

    results = play_all(personas, on_result=progress)
    print(success_line(results) + f"  ({time.monotonic() - start:.0f}s)")
    failures = [r for r in results if not (r.decided and r.route_ok) or r.said_three_times]
    for r in failures:
        print(f"\n{r.summary()}")
        for text in r.said_three_times:
            print(f"  said 3 times: {text.replace(chr(10), ' | ')[:300]}")
        for text in r.last_said():
            print(f"  < {text}")
    ok = all(r.decided and not r.said_three_times for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
