"""`rasa test core` on the recorded conversations: the dialogue policy must predict every action
of every story (routes, corrections, questions mid-form, stopping, starting over)."""
import subprocess

import pytest

from tests.conversation.stack import MODEL, RASA, ROOT

pytestmark = pytest.mark.rasa


def test_every_conversation_story_is_predicted_exactly(tmp_path):
    assert MODEL.exists(), "run `make train` first (make test does)"
    result = subprocess.run(
        [str(RASA), "test", "core", "--model", str(MODEL), "--stories", "tests/conversations",
         "--fail-on-prediction-errors", "--out", str(tmp_path), "--no-plot"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "None of the test stories failed" in (tmp_path / "failed_test_stories.yml").read_text()
