"""Conversation success on held-out people (issues 7 and 16): whole conversations through the real stack.

Plays every person of the held-out sets (tests/conversation/personas.py SETS: the new
conversations, their control set, and the people of issue 7) through the real Rasa and action
servers (one stack; the action server restarted per reference date), prints a line per person,
the figures per set, and each failure with the assistant's last three messages. Run from
`make nlu-report` (scripts/nlu_report.sh) or alone:

    .venv/bin/python scripts/conversation_report.py [--model models/verwijzing.tar.gz] [--set gesprekken]

The figures (issue 16): right decisions (target 95%), confidently wrong decisions — a wrong first
decision with no check question before it (target 0) — and the median number of answers to a
booked block (target 9 at most). Exit 1 when someone does not reach a decision, a message is said
three times, or a decision is confidently wrong.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="the trained Rasa model (default models/verwijzing.tar.gz)")
    parser.add_argument("--only", action="append", help="play only this person (by naam); repeatable")
    parser.add_argument("--transcript", action="store_true", help="print the whole conversation of every miss")
    parser.add_argument("--set", action="append", dest="sets", help="only this set (gesprekken, verzegeld, "
                        "personen); repeatable")
    args = parser.parse_args()
    if args.model:
        # Read by tests/conversation/stack.py when it is imported.
        os.environ["VERWIJZING_TEST_MODEL"] = str(Path(args.model).resolve())
    os.chdir(ROOT)  # Rasa must run from the project root
    sys.path.insert(0, str(ROOT))
    from tests.conversation.personas import SETS, load_personas, play_all, success_line
    from tests.conversation.stack import running_stack

    chosen = args.sets or list(SETS)
    ok = True
    with tempfile.TemporaryDirectory(prefix="personas-") as where, ExitStack() as cleanup:
        stack = None
        for name in chosen:
            personas = load_personas(SETS[name])
            if args.only:
                personas = [p for p in personas if p.naam in args.only]
            if not personas:
                continue
            if stack is None:  # one stack for every set, seeded from the latest reference date
                day = max(p.datum for n in chosen for p in load_personas(SETS[n])).isoformat()
                stack = cleanup.enter_context(running_stack(Path(where), VERWIJZING_PEILDATUM=day))
            print(f"\n== {name}: {len(personas)} held-out people ({SETS[name].name}) through the real Rasa "
                  f"and action servers", flush=True)
            start = time.monotonic()

            def progress(result) -> None:
                good = result.decided and result.route_ok and not result.said_three_times
                print(f"  {'ok  ' if good else 'MISS'} {result.summary()}", flush=True)

            results = play_all(personas, on_result=progress, stack=stack)
            print(f"{name}: " + success_line(results) + f"  ({time.monotonic() - start:.0f}s)", flush=True)
            failures = [r for r in results if not (r.decided and r.route_ok) or r.said_three_times]
            for r in failures:
                print(f"\n{r.summary()}")
                for text in r.said_three_times:
                    print(f"  said 3 times: {text.replace(chr(10), ' | ')[:300]}")
                if args.transcript:
                    print(r.transcript())
                    continue
                for text in r.last_said():
                    print(f"  < {text}")
            ok = ok and all(r.decided and not r.said_three_times and not r.confidently_wrong for r in results)
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
