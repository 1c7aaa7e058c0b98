"""How easy a Dutch citizen text is to read: the Flesch-Douma reading ease.

Douma (1960) fitted Flesch's reading-ease formula to Dutch:

    score = 206.835 − 0.93 × (words per sentence) − 77 × (syllables per word)

Higher is easier. Read it roughly as: 60–70 is plain language (B1, what the citizen texts aim
for), below 60 is hard for many readers, below 30 is the language of laws and contracts.

Pure functions; how a text is counted:

- Removed before counting: web addresses ("https://…", "www.…", "vdab.be/opleidingen"), e-mail
  addresses, placeholders ("{naam}", "{}"), markdown marks ("**", "_", "`", "#", "> ") — a
  markdown link keeps its text — and list markers at the start of a line ("- ", "• ", "1. ").
  Emoji and other symbols are no word, so they never count.
- Sentences end at ".", "!", "?" or "…" followed by a space or the end of the text, at every
  line break (so each list item is a sentence of its own), and at a link followed by a capital.
  A text without an end mark is one sentence. A sentence with no word left (a line with only a
  link) is not counted.
- A word is a run of letters or digits; an apostrophe or hyphen inside it ("euro's", "e-mail",
  "LK-7K3P") and a dot, comma, colon or slash between digits ("16.30", "1.000,50") keep it one
  word.
- A number, or any word with a digit in it ("15", "2027", "0800", "16.30", "€120", "LK-7K3P"),
  counts as one word of two syllables: what a number costs a reader does not grow with how it
  would be spelled out ("2027" is not read as eight syllables).
- The syllables of a word come from its hyphenation points in LibreOffice's Dutch dictionary
  (pyphen, nl_NL), with the edge minimums off (left=1, right=1): points + 1 (see `syllables`).
- A text with no word left (empty, only a link or a placeholder) scores the ceiling, 206.835:
  there is nothing hard to read in it.
"""
from __future__ import annotations

import re
from functools import cache

import pyphen

BASE, PER_WORDS_PER_SENTENCE, PER_SYLLABLES_PER_WORD = 206.835, 0.93, 77.0
# What a score below this means: harder than plain language (B1).
PLAIN_LANGUAGE = 60.0
NUMBER_SYLLABLES = 2

_VOWELS = frozenset("aeiouyáàâäéèêëíìîïóòôöúùûü")

_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# A link's last character is no period or comma: "Kijk op vdab.be." still ends its sentence.
_URL = re.compile(r"\b(?i:https?://|www\.)\S*[^\s.,;:!?)\]'\"’”]")
# A link followed by a capital ends its sentence ("…in je agenda: https://… Kan je niet?").
_URL_BEFORE_CAPITAL = re.compile(_URL.pattern + r"(?=\s+[A-Z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_SITE = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:be|com|eu|org|net|nl|info|brussels|vlaanderen)\b"
                   r"(?:/\S*[^\s.,;:!?)\]'\"’”])?", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{+[^{}]*\}+")
_LINE_MARK = re.compile(r"^[ \t]*(?:#{1,6}\s+|>\s*)*(?:(?:[-*+•·–]|\d{1,2}[.)])\s+)?", re.MULTILINE)
_EMPHASIS = re.compile(r"[*_`~]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'’”)\]]*\s+")
# Letters and digits, joined by an apostrophe or hyphen, or by . , : / between two digits.
_WORD = re.compile(r"[^\W_]+(?:(?:['’-]|(?<=\d)[.,:/](?=\d))[^\W_]+)*")


@cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL", left=1, right=1)


def syllables(word: str) -> int:
    """The syllables of one word (no digits in it): its hyphenation points + 1.

    The Dutch patterns never break after a single first letter (they are made for typesetting,
    where a lone letter is not left at a line's end), so "i-dee", "o-ver", "e-ven" and
    "i-den-ti-teits-kaart" would lose their first syllable; a word that starts with one vowel,
    then one consonant and a vowel gets it back. Vowels that meet without a trema ("ra-di-o",
    "i-de-aal") stay one syllable, as the dictionary has them: a slight undercount. A hyphenated
    word counts its parts ("e-mail", "sms-bericht"); an abbreviation counts as the dictionary
    splits it ("sms", "VDAB": one).
    """
    parts = [p for p in word.replace("’", "'").split("-") if p.strip("'")]
    return sum(_part_syllables(p.strip("'")) for p in parts) if parts else 0


def _part_syllables(part: str) -> int:
    positions = _dictionary().positions(part)
    count = len(positions) + 1
    lower = part.lower()
    if (len(lower) >= 3 and 1 not in positions and lower[0] in _VOWELS and lower[1].isalpha()
            and lower[1] not in _VOWELS and lower[2] in _VOWELS):
        count += 1
    return count


def clean(text: str) -> str:
    """The text with what is not read as words taken out: links, e-mail addresses, placeholders,
    markdown marks and list markers (line breaks are kept: they end sentences)."""
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _URL_BEFORE_CAPITAL.sub("\n", text)
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    text = _SITE.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = _LINE_MARK.sub("", text)
    return _EMPHASIS.sub("", text)


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence of `text`; sentences without a word are left out."""
    result = []
    for line in clean(text).splitlines():
        for sentence in _SENTENCE_END.split(line):
            words = _WORD.findall(sentence)
            if words:
                result.append(words)
    return result


def word_syllables(word: str) -> int:
    """The syllables a word counts for: a number (any word with a digit) counts two."""
    if any(c.isdigit() for c in word):
        return NUMBER_SYLLABLES
    return max(1, syllables(word))


def flesch_douma(text: str) -> float:
    """The Flesch-Douma reading ease of a Dutch text (Douma, 1960):

        206.835 − 0.93 × (words / sentences) − 77 × (syllables / words)

    Higher is easier; 60 or more is plain language (B1). How words, sentences, numbers and
    syllables are counted: see the module's docstring. A text with no word scores 206.835.
    """
    found = sentences(text)
    words = [w for sentence in found for w in sentence]
    if not words:
        return BASE
    syllable_count = sum(word_syllables(w) for w in words)
    return (BASE - PER_WORDS_PER_SENTENCE * len(words) / len(found)
            - PER_SYLLABLES_PER_WORD * syllable_count / len(words))
