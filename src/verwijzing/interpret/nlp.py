"""Turning what people type into a clean token sequence (finding word lists in it: phrases.py).

spaCy's Dutch tokenizer splits the text; every token is then folded (lower case, no accents),
SMS and Flemish spellings are rewritten ("k" → "ik", "mn" → "mijn", "nie" → "niet"), a typo of
a word the interpreters look for is corrected ("bachellor" → "bachelor"), number words are
joined into one number ("twaalf en een half" → 12.5) and ordinals become "4de". The interpreters
then work on that sequence, so each of them handles spelling once instead of everywhere.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import spacy
from rapidfuzz.distance import OSA
from spacy.language import Language
from spacy.lookups import Table
from spacy.pipeline import Lemmatizer

from verwijzing.interpret.dutch_words import dutch_words
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.numbers import fold, parse_dutch_number, parse_number_words
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
def _lemma_table() -> Table | dict[str, str]:
    """The lookup lemmatizer's table (keys are hashed: query it with .get(word))."""
    nlp = pipeline()
    if "lemmatizer" not in nlp.pipe_names:
        return {}
    lemmatizer = nlp.get_pipe("lemmatizer")
    # get_pipe is typed as any pipe; pipeline() added spaCy's (Dutch) Lemmatizer under this name.
    if not isinstance(lemmatizer, Lemmatizer):
        return {}
    return lemmatizer.lookups.get_table("lemma_lookup")


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
    if "y" in w and parse_dutch_number(w.replace("y", "ij")) is not None:
        return [w.replace("y", "ij")]  # West-Vlaams and old spelling: "vyftien", "vyfentwintig"
    return [w]


# --- typo correction ---------------------------------------------------------------------------


@cache
def vocabulary() -> frozenset[str]:
    """The words the interpreters look for; a typo is only ever corrected into one of these."""
    words: set[str] = set()

    def walk(node: object) -> None:
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
    for section in ("werkstatus", "hulpvraag", "education", "experience", "job_nouns", "months", "numbers", "yesno",
                    "countries", "regions"):
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
        # Optimal string alignment: a swap of two letters ("werkeoos") is one edit, as people type.
        d = OSA.distance(word, candidate, score_cutoff=limit)
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
