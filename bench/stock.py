"""Stock Rasa's starter bot: `rasa init`'s moodbot in a temporary folder, trained with `rasa train`.

The trained model is kept in build/bench/stock-<rasa version>/ so that a second run skips the
two minutes of training; the project files are made afresh each run (they are tiny).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conversation.stack import RASA, base_env

ROOT = Path(__file__).resolve().parents[1]
RASA_PYTHON = RASA.with_name("python")
# The moodbot's own happy path (data/stories.yml of `rasa init`), then its goodbye rule.
SCRIPT = ["hello", "I am feeling great", "bye"]


def rasa_version() -> str:
    out = subprocess.run([str(RASA_PYTHON), "-c", "import rasa; print(rasa.__version__)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def scaffold(project: Path) -> None:
    """What `rasa init --no-prompt` writes, without its training step (we train below, cached).
    `rasa init` itself would train on every run."""
    subprocess.run([str(RASA_PYTHON), "-c",
                    "import sys; from rasa.cli.scaffold import create_initial_project; "
                    "create_initial_project(sys.argv[1])", str(project)],
                   check=True, env=base_env())


def trained_model(project: Path, cache_root: Path, log) -> Path:
    """The moodbot model for this Rasa version: from the cache, or trained now into it."""
    cache = cache_root / f"stock-{rasa_version()}"
    model = cache / "moodbot.tar.gz"
    if model.exists():
        return model
    cache.mkdir(parents=True, exist_ok=True)
    log(f"stock: training the moodbot once (cached in {cache.relative_to(ROOT)})")
    partial = cache / "training"
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run([str(RASA), "train", "--quiet", "--fixed-model-name", "moodbot", "--out", str(partial)],
                   cwd=project, env=base_env(), check=True, stdout=(cache / "train.log").open("w"),
                   stderr=subprocess.STDOUT)
    (partial / "moodbot.tar.gz").rename(model)
    shutil.rmtree(partial, ignore_errors=True)
    return model
