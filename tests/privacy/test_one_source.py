"""One shape for the national number and the phone number, used by all three consumers: the
booking reader (project environment), the redacting tracker store and the NLU regex features
(Rasa's environment). If they disagree, a spelling the reader accepts can slip past redaction."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

import verwijzing.dialogue.booking as booking_conversation
from verwijzing_rasa import pii

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
REGEX_YML = ROOT / "data" / "nlu" / "regex.yml"
SHARED = {"rijksregisternummer": pii.INSZ_PATTERN, "telefoon": pii.PHONE_PATTERN}


def test_the_booking_reader_uses_the_shared_shapes():
    assert booking_conversation.INSZ_SHAPE is pii.INSZ_SHAPE
    assert booking_conversation.PHONE_SHAPE is pii.PHONE_SHAPE
    assert Path(pii.__file__).resolve() == ROOT / "rasa_plugins" / "verwijzing_rasa" / "pii.py"


def test_the_nlu_regex_features_are_the_shared_patterns():
    features = {item["regex"]: [line.removeprefix("- ") for line in item["examples"].splitlines()]
                for item in yaml.safe_load(REGEX_YML.read_text(encoding="utf-8"))["nlu"] if "regex" in item}
    for name, pattern in SHARED.items():
        assert features[name] == [pattern], (
            f"data/nlu/regex.yml `{name}` differs from verwijzing_rasa.pii; paste this line:\n    - {pattern}")


@pytest.mark.rasa
def test_rasa_reads_the_same_patterns_and_the_tracker_store_redacts_with_the_shared_function():
    """In Rasa's own environment: the module is the same file, Rasa's YAML reader gives the same
    pattern strings (it turns \\u escapes into characters), and the tracker store's redaction is pii's."""
    script = """
import json
from rasa.shared.nlu.training_data.loading import load_data
from verwijzing_rasa import pii, tracker_store
features = {}
for feature in load_data("data/nlu/regex.yml").regex_features:
    features.setdefault(feature["name"], []).append(feature["pattern"])
print(json.dumps({"file": pii.__file__, "features": features,
                  "same_redact": tracker_store.redact is pii.redact,
                  "insz": pii.INSZ_PATTERN, "phone": pii.PHONE_PATTERN}))
"""
    result = subprocess.run([str(RASA_PYTHON), "-c", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"})
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(seen["file"]).resolve() == Path(pii.__file__).resolve()
    assert seen["same_redact"]
    assert (seen["insz"], seen["phone"]) == (pii.INSZ_PATTERN, pii.PHONE_PATTERN)
    for name, pattern in SHARED.items():
        assert seen["features"][name] == [pattern]


# What a second, home-made finder for these numbers looks like (the three that disagreed before:
# "\d{2}[.\s/]?\d{2}...\d{3}...", "\d{2}\.?\d{2}...", and "(\+32|0032|0)\s?4\d{2}...").
FINDER_FINGERPRINTS = [
    re.compile(r"\\d\{2\}.{0,40}\\d\{3\}.{0,40}\\d\{2\}"),  # 2-2-2-3-2 digit groups
    re.compile(r"\\d\{(9|10|11)\}"),  # a fixed run of 9 to 11 digits
    re.compile(r"\\\+32|0032"),  # a Belgian country code inside a pattern
    re.compile(r"\(\?:\\\+\|00\)|\(\\\+\|00\)"),  # "+ or 00"
]


def test_no_other_file_defines_its_own_finder():
    """Code in src, actions, rasa_plugins and scripts, and the NLU regexes other than the two copies."""
    own = ROOT / "rasa_plugins" / "verwijzing_rasa" / "pii.py"
    sources = {path: path.read_text(encoding="utf-8")
               for folder in ("src", "actions", "rasa_plugins", "scripts")
               for path in (ROOT / folder).rglob("*.py") if path != own}
    for path in (ROOT / "data").rglob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "regex" in item and item["regex"] not in SHARED:
                sources[path] = sources.get(path, "") + item["examples"]
    assert any("interpret" in str(path) for path in sources)  # the scan reads the code at all
    found = [f"{path.relative_to(ROOT)}: {match.group()}" for path, text in sources.items()
             for fingerprint in FINDER_FINGERPRINTS for match in fingerprint.finditer(text)]
    assert not found, "use verwijzing_rasa.pii instead:\n" + "\n".join(found)
