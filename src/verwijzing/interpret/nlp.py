"""Turning what people type into a clean token sequence, and finding word lists in it.

spaCy's Dutch tokenizer splits the text; every token is then folded (lower case, no accents),
SMS and Flemish spellings are rewritten ("k" → "ik", "mn" → "mijn", "nie" → "niet"), a typo of
a word the interpreters look for is corrected ("bachellor" → "bachelor"), number words are
joined into one number ("twaalf en een half" → 12.5) and ordinals become "4de". The interpreters
then work on that sequence, so each of them handles spelling once instead of everywhere.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Iterable, Sequence

import spacy
from spacy.language import Language

from verwijzing.interpret.dutch_words import dutch_words
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.numbers import fold, parse_number_words
from verwijzing.interpret.place_names import is_place_word

PUNCT = {",", ".", "!", "?", ";", ":", "\n", "…", "(", ")"}
SENTENCE_END = {".", "!", "?", "\n", "…"}
# A clause ends at these words, so "ik ben 24 en werk sinds 2 jaar" is two statements.
CLAUSE_WORDS = {"maar", "want", "omdat", "dus", "en", "daarvoor", "ervoor", "daarna", "sindsdien"}
_NUMBER_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)([a-z]+)")
_ORDINAL = re.compile(r"(\d{1,2})(?:ste|de|ds|ee|e|d)")
_DECIMAL = re.compile(r"\d+,\d+")


@cache
def pipeline() -> Language:
    """The blank Dutch pipeline with the lookup lemmatizer, built once per process."""
    nlp = spacy.blank("nl")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except (ValueError, OSError, ImportError):
        # Without spacy-lookups-data the tokenizer still works; lemmas fall back to the word.
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
    return nlp


@cache
def _lemma_table():
    """The lookup lemmatizer's table (keys are hashed: query it with .get(word))."""
    nlp = pipeline()
    if "lemmatizer" not in nlp.pipe_names:
        return {}
    return nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    return fold(_lemma_table().get(word, word))


@cache
def _spelling() -> dict[str, list[str]]:
    return {fold(k): fold(v).split() for k, v in data()["spelling"].items()}


@cache
def _ordinal_words() -> dict[str, str]:
    return {fold(k): f"{v}de" for k, v in data()["numbers"]["ordinals"].items()}


@cache
def _units() -> dict[str, str]:
    return {fold(k): v for k, v in data()["number_units"].items()}


def normalise_word(word: str) -> list[str]:
    """One typed word → the standard word(s) it stands for (no typo correction)."""
    w = fold(word).strip()
    if len(w) > 1:
        w = w.strip("'\"`")
    if not w:
        return []
    if w.isalpha():
        w = re.sub(r"(.)\1{2,}", r"\1\1", w)  # "jaaaa" → "jaa" → (spelling) "ja"
    if w in _spelling():
        return list(_spelling()[w])
    if w.endswith(".") and w[:-1] in _spelling():
        return list(_spelling()[w[:-1]])
    if w in _ordinal_words():
        return [_ordinal_words()[w]]
    if m := _ORDINAL.fullmatch(w):
        return [f"{int(m.group(1))}de"]
    if _DECIMAL.fullmatch(w):
        return [w.replace(",", ".")]
    if (m := _NUMBER_UNIT.fullmatch(w)) and m.group(2) in _units():
        return [m.group(1).replace(",", "."), _units()[m.group(2)]]
    return [w]


# --- typo correction ---------------------------------------------------------------------------


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions (optimal string alignment), early exit above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@cache
def vocabulary() -> frozenset[str]:
    """The words the interpreters look for; a typo is only ever corrected into one of these."""
    words: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str):
            for part in node.replace("*", " ").replace("|", " ").split():
                words.update(normalise_word(part))

    lex = data()
    for section in ("werkstatus", "hulpvraag", "education", "experience", "job_nouns", "months", "numbers", "yesno", "countries", "regions"):
        walk(lex[section])
    return frozenset(w for w in words if len(w) >= 5 and w.isalpha())


@lru_cache(maxsize=4096)
def correct(word: str) -> str:
    """The vocabulary word a typo was meant to be, or the word itself.

    Only words that are neither ordinary Dutch nor a place are corrected, only into a word the
    interpreters know, with the same first letter, at one edit (two from twelve letters on:
    "werkgever" is two edits from "werknemer"), and only when one candidate is clearly best:
    "bachellor" → "bachelor", but "werken" stays.
    """
    if len(word) < 5 or not word.isalpha() or word in vocabulary() or word in dutch_words():
        return word
    limit = 1 if len(word) < 12 else 2
    best: list[tuple[int, str]] = []
    for candidate in vocabulary():
        if candidate[0] != word[0] or abs(len(candidate) - len(word)) > limit:
            continue
        d = _distance(word, candidate, limit)
        if d <= limit:
            best.append((d, candidate))
    if not best:
        return word
    best.sort()
    if len(best) > 1 and best[0][0] == best[1][0]:
        return word  # two equally good guesses: do not pick one at random
    return word if is_place_word(word) else best[0][1]


# --- analysis --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    text: str  # as typed (for merged numbers: the typed words joined)
    norm: str  # folded, standard spelling; a number is its canonical value ("12.5", "24")
    lemma: str
    clause: int
    sentence: int
    capitalised: bool  # typed with a capital, not at the start of a sentence
    value: float | None = None  # the number this token stands for

    @property
    def is_punct(self) -> bool:
        return self.norm in PUNCT


@dataclass(frozen=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    norm_text: str  # the norms joined by single spaces: what the regular expressions read
    offsets: tuple[int, ...]  # where each token starts in norm_text

    def index_at(self, char: int) -> int:
        """The token at a character position of norm_text."""
        return max(0, bisect.bisect_right(self.offsets, char) - 1)

    def clause_of(self, i: int) -> range:
        c = self.tokens[i].clause
        start = i
        while start > 0 and self.tokens[start - 1].clause == c:
            start -= 1
        end = i
        while end + 1 < len(self.tokens) and self.tokens[end + 1].clause == c:
            end += 1
        return range(start, end + 1)

    def sentence_of(self, i: int) -> range:
        s = self.tokens[i].sentence
        idx = [j for j, t in enumerate(self.tokens) if t.sentence == s]
        return range(idx[0], idx[-1] + 1)

    def has(self, words: Iterable[str], span: range) -> bool:
        """Whether any of the (possibly multi-word) phrases occurs inside the token span."""
        norms = [self.tokens[j].norm for j in span]
        lemmas = [self.tokens[j].lemma for j in span]
        for phrase in words:
            parts = phrase.split()
            n = len(parts)
            for k in range(len(norms) - n + 1):
                if all(parts[m] in (norms[k + m], lemmas[k + m]) for m in range(n)):
                    return True
        return False


_PRE = [
    # Abbreviations whose dot would otherwise end a sentence.
    (re.compile(r"\bgeb\.\s*", re.I), "geboren "),
    (re.compile(r"\bjr\.", re.I), "jaar"),
    (re.compile(r"\bca\.", re.I), "ca"),
    (re.compile(r"\bnr\.", re.I), "nr"),
    # "°1985" is the Belgian way of writing "born 1985".
    (re.compile(r"°"), " geboren "),
    (re.compile(r"\b[Ss]t[.-]\s*(?=[A-Z])"), "Sint-"),
    (re.compile(r"\+ ?/? ?-|±"), " ongeveer "),
    (re.compile(r"½"), " en een half "),
    (re.compile(r"(\d) +1/2\b"), r"\1 en een half"),
    (re.compile(r"&"), " en "),
    (re.compile(r"👍"), " ja "),
    (re.compile(r"👎"), " nee "),
    (re.compile(r"[’‘`´]"), "'"),
]


def _prepare(text: str) -> str:
    for pattern, replacement in _PRE:
        text = pattern.sub(replacement, text)
    return text


def _is_number_start(word: str) -> bool:
    return parse_number_words([word]) is not None or word.endswith("tal")


def _merge_numbers(words: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool, float | None]]:
    """Join number words into one token: ("twaalf","en","een","half") → "12.5"."""
    out: list[tuple[str, str, bool, float | None]] = []
    i = 0
    norms = [w[1] for w in words]
    while i < len(words):
        best: tuple[int, float] | None = None
        first = norms[i]
        if first not in ("en", "half") and (first == "een" or _is_number_start(first)):
            for j in range(min(len(words), i + 8), i, -1):
                span = norms[i:j]
                if span[-1] == "en" or (span == ["een"]):
                    continue
                value = parse_number_words(span)
                if value is not None:
                    best = (j, value)
                    break
        if best is None:
            out.append((*words[i], None))
            i += 1
            continue
        j, value = best
        text = " ".join(w[0] for w in words[i:j])
        canonical = f"{value:g}" if value < 1e6 else str(int(value))
        out.append((text, canonical, words[i][2], value))
        i = j
    return out


@lru_cache(maxsize=512)
def analyse(text: str) -> Analysis:
    """The normalised token sequence of a message (cached: read_all reads it six times)."""
    doc = pipeline()(_prepare(text))
    words: list[tuple[str, str, bool]] = []  # (typed, norm, capitalised)
    sentence_start = True
    for tok in doc:
        raw = tok.text
        if tok.is_space:
            if "\n" in raw:
                words.append((raw, "\n", False))
                sentence_start = True
            continue
        if raw in ("'", '"', "`", "[", "]", "*", "_", "~", "#"):
            continue
        capitalised = raw[:1].isupper() and not sentence_start and not raw.isupper()
        for norm in normalise_word(raw):
            words.append((raw, norm, capitalised))
        sentence_start = raw in SENTENCE_END
    merged = _merge_numbers(words)

    tokens: list[Token] = []
    clause = sentence = 0
    for k, (typed, norm, capitalised, value) in enumerate(merged):
        if value is None and not capitalised:
            norm = correct(norm)
        if norm in PUNCT:
            tokens.append(Token(typed, norm, norm, clause, sentence, False))
            clause += 1
            if norm in SENTENCE_END:
                sentence += 1
            continue
        if norm in CLAUSE_WORDS and tokens and not tokens[-1].is_punct:
            following = merged[k + 1] if k + 1 < len(merged) else None
            # "7 jaar en 3 maanden" and "twaalf en een half" stay one statement, and so does
            # "van 2010 tot nu".
            joins_numbers = norm == "en" and following is not None and (
                following[3] is not None or following[1] in ("een", "half")
            )
            if not joins_numbers:
                clause += 1
        tokens.append(Token(typed, norm, lemma(norm), clause, sentence, capitalised, value))

    offsets, position = [], 0
    for t in tokens:
        offsets.append(position)
        position += len(t.norm) + 1
    return Analysis(text, tuple(tokens), " ".join(t.norm for t in tokens), tuple(offsets))


# --- phrase matching -------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    label: str
    start: int  # token index
    end: int  # one past the last token
    phrase: str


def _compile_word(word: str) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
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
        self._patterns: list[tuple[tuple[tuple[frozenset[str], tuple[str, ...], tuple[str, ...]], ...], str, str]] = []
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
    def _word_matches(token: Token, word: tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]) -> bool:
        exact, prefixes, suffixes = word
        if token.norm in exact or token.lemma in exact:
            return True
        return any(token.norm.startswith(p) for p in prefixes) or any(token.norm.endswith(x) for x in suffixes)

    def _match_at(self, tokens: Sequence[Token], i: int, pattern, usable) -> int | None:
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


def negated(analysis: Analysis, match: Match, before: int = 2) -> bool:
    """A negation word shortly before the match, in the same clause ("geen zelfstandige")."""
    negations = {fold(w) for w in data()["negation"]}
    clause = analysis.clause_of(match.start)
    for j in range(max(clause.start, match.start - before), match.start):
        if analysis.tokens[j].norm in negations:
            return True
    return False
