"""Finding word lists in an analysed message: phrases with wildcards and lemmas, negation, and
whether a phrase is about someone else ("mijn man werkt")."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, Token, normalise_word
from verwijzing.interpret.numbers import fold

# --- phrase matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    label: str
    start: int  # token index
    end: int  # one past the last token
    phrase: str


# One word of a pattern: its exact forms, the prefixes ("werk*") and suffixes ("*zaak") it matches.
_Word = tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]


def _compile_word(word: str) -> _Word:
    exact: set[str] = set()
    prefixes: list[str] = []
    suffixes: list[str] = []  # "*zaak": Dutch compounds end in their head ("kapperszaak")
    for alternative in word.split("|"):
        if alternative.endswith("*"):
            prefixes.append(fold(alternative[:-1]))
        elif alternative.startswith("*"):
            suffixes.append(fold(alternative[1:]))
        else:
            exact.update(normalise_word(alternative))
    return frozenset(exact), tuple(prefixes), tuple(suffixes)


class PhraseSet:
    """Labelled phrases, found longest first without overlap.

    A label starting with "_" swallows its words and reports nothing: "deeltijds onderwijs" is
    schooling, and must not leave a "deeltijds" behind that reads as part-time work.
    """

    def __init__(self, entries: Iterable[tuple[str, str]]):
        self._patterns: list[tuple[tuple[_Word, ...], str, str]] = []
        seen = set()
        for phrase, label in entries:
            words: list[str] = []
            for part in phrase.split():
                if "|" in part or "*" in part:
                    words.append(part)
                else:
                    words.extend(normalise_word(part))
            key = (tuple(words), label)
            if not words or key in seen:
                continue
            seen.add(key)
            self._patterns.append((tuple(_compile_word(w) for w in words), label, phrase))
        self._patterns.sort(key=lambda p: len(p[0]), reverse=True)
        # Where a pattern can start: by its first word's exact forms, or (for "werk*" and "*zaak")
        # by testing the few patterns whose first word is a prefix or suffix. `find` then tries
        # each pattern only where its first word stands, instead of at every word: the same
        # matches (a pattern never starts on a word its first word does not match), at a
        # fraction of the cost; this was most of the action server's time per turn.
        self._by_first_word: dict[str, list[int]] = {}
        self._affixed: list[int] = []
        for index, (pattern, _label, _phrase) in enumerate(self._patterns):
            exact, prefixes, suffixes = pattern[0]
            for word in exact:
                self._by_first_word.setdefault(word, []).append(index)
            if prefixes or suffixes:
                self._affixed.append(index)

    @staticmethod
    def _word_matches(token: Token, word: _Word) -> bool:
        exact, prefixes, suffixes = word
        if token.norm in exact or token.lemma in exact:
            return True
        return any(token.norm.startswith(p) for p in prefixes) or any(token.norm.endswith(x) for x in suffixes)

    def _match_at(self, tokens: Sequence[Token], i: int, pattern: Sequence[_Word],
                  usable: Callable[[int], bool]) -> int | None:
        """The end of the pattern matched from token i, or None. Up to two filler words may sit
        between its words ("ik zoek dringend werk"), never before the first."""
        position = i
        skipped = 0
        for k, word in enumerate(pattern):
            while True:
                if position >= len(tokens) or not usable(position):
                    return None
                if self._word_matches(tokens[position], word):
                    break
                if k == 0 or skipped >= 2 or tokens[position].norm not in _fillers():
                    return None
                position += 1
                skipped += 1
            position += 1
        return position

    def find(self, analysis: Analysis, span: Sequence[int] | None = None) -> list[Match]:
        tokens = analysis.tokens
        allowed = set(range(len(tokens)) if span is None else span)
        taken: set[int] = set()
        found: list[Match] = []

        def usable(j: int) -> bool:
            return j not in taken and j in allowed and not tokens[j].is_punct

        starts: dict[int, list[int]] = {}  # pattern index -> token positions where it may start
        for i, token in enumerate(tokens):
            candidates = set(self._by_first_word.get(token.norm, ()))
            candidates.update(self._by_first_word.get(token.lemma, ()))
            candidates.update(k for k in self._affixed if self._word_matches(token, self._patterns[k][0][0]))
            for k in candidates:
                starts.setdefault(k, []).append(i)
        for k in sorted(starts):  # longest patterns first, as before
            pattern, label, phrase = self._patterns[k]
            for i in starts[k]:
                end = self._match_at(tokens, i, pattern, usable)
                if end is not None:
                    taken.update(range(i, end))
                    found.append(Match(label, i, end, phrase))
        found.sort(key=lambda m: m.start)
        return [m for m in found if not m.label.startswith("_")]


@cache
def _fillers() -> frozenset[str]:
    return frozenset(fold(w) for w in data()["fillers"])


@cache
def _someone_else() -> list[str]:
    return [" ".join(w for part in p.split() for w in normalise_word(part)) for p in data()["someone_else"]]


def about_someone_else(analysis: Analysis, i: int) -> bool:
    """Whether the clause of token i is about another person ("mijn man werkt als bediende")."""
    return analysis.has(_someone_else(), analysis.clause_of(i))


def said_of_someone_else(analysis: Analysis, i: int) -> bool:
    """Whether another person is named before token i in its clause ("mijn man heeft een
    burn-out"); "iemand om mee te praten over het verlies van mijn pa" is the person's own need."""
    clause = analysis.clause_of(i)
    return analysis.has(_someone_else(), range(clause.start, i))


def negated(analysis: Analysis, match: Match, before: int = 2) -> bool:
    """A negation word shortly before the match, in the same clause ("geen zelfstandige")."""
    negations = {fold(w) for w in data()["negation"]}
    clause = analysis.clause_of(match.start)
    for j in range(max(clause.start, match.start - before), match.start):
        if analysis.tokens[j].norm in negations:
            return True
    return False
