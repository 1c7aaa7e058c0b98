"""PhraseSet.find tries a pattern only where its first word stands (an index, for speed); it must
find exactly what trying every pattern at every word finds, on every phrase set the readers use."""
from __future__ import annotations

import gc
import random
import re
from pathlib import Path

import pytest

from verwijzing.config import peildatum
from verwijzing.interpret import TEXT_FIELDS, nlp, read_all, read_text
from verwijzing.interpret.phrases import Match, PhraseSet

ROOT = Path(__file__).resolve().parents[2]


def scan_everywhere(phrases: PhraseSet, analysis: nlp.Analysis, span=None) -> list[Match]:
    """The plain algorithm: every pattern, longest first, at every word."""
    tokens = analysis.tokens
    allowed = set(range(len(tokens)) if span is None else span)
    taken: set[int] = set()
    found = []

    def usable(j: int) -> bool:
        return j not in taken and j in allowed and not tokens[j].is_punct

    # The index is checked against the plain algorithm on the same compiled patterns.
    for pattern, label, phrase in phrases._patterns:  # noqa: SLF001
        for i in range(len(tokens)):
            end = phrases._match_at(tokens, i, pattern, usable)  # noqa: SLF001
            if end is not None:
                taken.update(range(i, end))
                found.append(Match(label, i, end, phrase))
    found.sort(key=lambda m: m.start)
    return [m for m in found if not m.label.startswith("_")]


def training_texts() -> list[str]:
    texts = set()
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for line in path.read_text("utf-8").splitlines():
            found = re.match(r"\s*-\s+(.{3,})", line)
            if found:
                texts.add(found.group(1).strip().strip("\"'"))
    return sorted(texts)


# 1,200 sentences in four parts, so that test processes can share the work.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_the_index_finds_what_a_scan_of_every_word_finds(part):
    texts = random.Random(7).sample(training_texts(), 1200)[part::PARTS]
    day = peildatum()
    for text in texts:
        read_all(text, day)  # builds every phrase set the readers use (they are cached) …
    for asked in TEXT_FIELDS:
        read_text(texts[0], day, asked)  # … and those only a question asked builds, whatever ran before
    phrase_sets = [o for o in gc.get_objects() if isinstance(o, PhraseSet)]
    assert len(phrase_sets) >= 6
    matched = 0
    for text in texts:
        analysis = nlp.analyse(text)
        half = range(len(analysis.tokens) // 2, len(analysis.tokens))
        for phrases in phrase_sets:
            for span in (None, half):
                expected = scan_everywhere(phrases, analysis, span)
                assert phrases.find(analysis, span) == expected, (text, span)
                matched += bool(expected)
    assert matched > 500 // PARTS  # the comparison covered texts that match, not only texts that do not
