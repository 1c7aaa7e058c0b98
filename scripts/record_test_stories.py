"""Record Rasa test stories from real conversations with the running stack.

usage: .venv/bin/python scripts/record_test_stories.py   (after `make train`)

Runs every golden case that has a `chat` and every scenario of tests/stories/scenarios.yaml
through the real Rasa and action servers, then writes each tracker as a test story with Rasa's
own story writer (run in .venv-rasa). Read the diff before committing: a recorded story is a
claim about how the assistant should behave.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conversation.stack import running_stack  # noqa: E402
from tests.rules.golden import golden_cases  # noqa: E402

OUT = ROOT / "tests" / "conversations"
TO_STORY = """
import json, sys
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter
domain = Domain.load("bot")
steps = []
for name, events in json.load(sys.stdin):
    tracker = DialogueStateTracker.from_dict(name, events, domain.slots)
    story = tracker.as_story(include_source=False)
    for step in story.story_steps:
        step.block_name = name
    steps.extend(story.story_steps)
sys.stdout.write(YAMLStoryWriter().dumps(steps, is_test_story=True))
"""


def conversations() -> list[tuple[str, str, str, list[str] | dict]]:
    """(file, name, date, messages or chat map)."""
    found = [("routes", c.name, c.date.isoformat(), c.chat) for c in golden_cases() if c.chat]
    scenarios = yaml.safe_load((OUT / "scenarios.yaml").read_text(encoding="utf-8"))["scenarios"]
    found += [("paden", s["name"], s["date"].isoformat(), s["messages"]) for s in scenarios]
    return found


def talk(rasa, sender: str, script) -> list[dict]:
    if isinstance(script, list):
        for message in script:
            rasa.send(sender, message)
    else:  # a chat map: answer whatever is asked, as the e2e tests do
        rasa.send(sender, "hallo")
        for _ in range(12):
            slots = rasa.tracker(sender)["slots"]
            if slots.get("route") or not slots.get("requested_slot"):
                break
            rasa.send(sender, script[slots["requested_slot"]])
    return rasa.tracker(sender)["events"]


def main() -> None:
    by_file: dict[str, list] = {}
    recorded_days = sorted({day for _, _, day, _ in conversations()})
    with tempfile.TemporaryDirectory() as tmp:
        # The demo slots start at the latest day recorded, so every booking finds free moments.
        with running_stack(Path(tmp), VERWIJZING_PEILDATUM=recorded_days[-1]) as (rasa, actions):
            for i, (file, name, day, script) in enumerate(conversations()):
                if actions.env.get("VERWIJZING_PEILDATUM") != day:
                    actions.restart(VERWIJZING_PEILDATUM=day)
                by_file.setdefault(file, []).append((name, talk(rasa, f"record-{i}", script)))
    for file, recorded in by_file.items():
        result = subprocess.run([str(ROOT / ".venv-rasa/bin/python"), "-c", TO_STORY], cwd=ROOT,
                                input=json.dumps(recorded), capture_output=True, text=True, check=True)
        header = "# Recorded by scripts/record_test_stories.py from the real stack; reviewed by hand.\n"
        (OUT / f"test_{file}.yml").write_text(header + result.stdout, encoding="utf-8")
        print(f"wrote tests/stories/test_{file}.yml ({len(recorded)} stories)")


if __name__ == "__main__":
    main()
