"""First-message understanding on tests/nlu/heldout_eerste_berichten.yml (issue 7).

usage: .venv/bin/python scripts/nlu_first_messages.py PARSES.json [--min 0.90]

PARSES.json comes from scripts/nlu_parse.py (the trained model, run in .venv-rasa). A message
counts as understood when the model's intent is an expected one, or when our interpreters read
the expected facts from it (verwijzing.interpret.read_all, the code action_lees_feiten runs)
while the model's intent lets those facts be read and acted on. The rules of the file's header
are implemented here once, and tests/nlu/test_heldout_eerste_berichten.py imports them.
Prints the figure and every miss; exit 1 when the figure is below --min.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "nlu" / "heldout_eerste_berichten.yml"
sys.path.insert(0, str(ROOT))

from actions.tracker import NOT_ANSWERS  # noqa: E402
from verwijzing.interpret import read_all  # noqa: E402

FALLBACK = "nlu_fallback"


def load() -> tuple[dt.date, list[dict]]:
    doc = yaml.safe_load(HELDOUT.read_text("utf-8"))
    return doc["peildatum"], doc["items"]


def expected_intents(item: dict) -> list[str]:
    intent = item.get("intent") or []
    return [intent] if isinstance(intent, str) else list(intent)


def facts_read(item: dict, peildatum: dt.date) -> dict[str, object]:
    return read_all(item["text"], peildatum, item.get("asked"))


def fact_misses(item: dict, peildatum: dt.date) -> dict[str, tuple[object, object]]:
    """Expected facts the interpreters got wrong: field → (expected, read). Empty = all right."""
    found = facts_read(item, peildatum)
    misses = {}
    for field, want in (item.get("facts") or {}).items():
        got = found.get(field)
        if isinstance(want, (int, float)) and isinstance(got, (int, float)) and not isinstance(got, bool):
            ok = abs(float(got) - float(want)) < 0.05
        else:
            ok = got == want
        if not ok:
            misses[field] = (want, got)
    return misses


def lets_facts_count(item: dict, intent: str | None) -> bool:
    """Would the conversation read the facts and go on? Not for a rule intent (stop, goodbye,
    cancel, a question: actions/tracker.py NOT_ANSWERS), and for an opening message outside the
    form not for nlu_fallback either: that answers "begreep ik niet", whatever was read."""
    if intent in NOT_ANSWERS:
        return False
    return intent != FALLBACK or "asked" in item


def understood(item: dict, intent: str | None, peildatum: dt.date) -> bool:
    if item.get("choice"):
        return intent not in NOT_ANSWERS and intent != FALLBACK
    if intent in expected_intents(item):
        return True
    if item.get("facts"):
        return lets_facts_count(item, intent) and not fact_misses(item, peildatum)
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("parses")
    parser.add_argument("--min", type=float, default=0.90)
    args = parser.parse_args()
    peildatum, items = load()
    parses = {p["text"]: p for p in json.loads(Path(args.parses).read_text("utf-8"))}
    unparsed = [i["text"] for i in items if i["text"] not in parses]
    if unparsed:
        sys.exit(f"{args.parses} has no parse for {len(unparsed)} held-out texts (e.g. {unparsed[0]!r}): "
                 "parse the current set again (scripts/nlu_parse.py)")
    misses = []
    for item in items:
        parse = parses[item["text"]]
        if not understood(item, parse["intent"], peildatum):
            misses.append((item, parse))
    openers = [i for i in items if "asked" not in i and not i.get("choice")]
    opener_misses = [m for m in misses if "asked" not in m[0] and not m[0].get("choice")]
    share = 1 - len(misses) / len(items)
    print(f"first messages and answers: {len(items)} (openers {len(openers)}, answers "
          f"{len(items) - len(openers)})")
    print(f"first-message understanding: {share:.1%}  ({len(items) - len(misses)}/{len(items)}; "
          f"openers {1 - len(opener_misses) / len(openers):.1%})")
    for item, parse in misses:
        want = []
        if item.get("choice"):
            want.append("a choice (no rule intent)")
        if expected_intents(item):
            want.append("intent " + "/".join(expected_intents(item)))
        if item.get("facts"):
            wrong = fact_misses(item, peildatum)
            want.append("facts " + (", ".join(f"{k}={v[0]} (read {v[1]})" for k, v in wrong.items())
                                    if wrong else "read, but the intent stops them"))
        asked = f" [answer to {item['asked']}]" if "asked" in item else ""
        print(f"  MISS {item['text']!r}{asked}: got {parse['intent']} {parse['confidence']:.2f}; "
              f"want {'; or '.join(want)}")
    return 0 if share >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
