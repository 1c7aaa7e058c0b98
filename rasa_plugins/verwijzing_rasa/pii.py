"""The one place that knows what a national number and a phone number look like in typed text.

Three consumers must agree, or a spelling that one accepts slips past another: the booking
conversation reads the national number (INSZ) and the phone number with these patterns
(`verwijzing.dialogue.booking`), the redacting tracker store removes them before Rasa saves
a turn (`verwijzing_rasa.tracker_store`), and the NLU regex features in `data/nlu/regex.yml`
must be these exact patterns (a test compares them). So this module imports nothing but `re`:
it is installed in both environments (.venv-rasa, Python 3.10, for the tracker store; .venv for
the project), and its patterns must stay compatible with Python's `re`, which Rasa's
RegexFeaturizer uses.

Redaction is by shape first (the tidy placeholders below), then by digits: whatever the shapes
left, any run of digits joined by anything but letters — commas, colons, line breaks, brackets,
Unicode minus signs, full-width digits — that holds 9 digits or more is masked too
(`digit_runs`). The booking readers use the same runs, so the answer that would be masked is
also the one that fills the slot.

Finding is by shape only. Whether a number is a real national number is decided by
`verwijzing.privacy.insz` (python-stdnum) in the project; redaction never waits for that, so a mistyped
number is removed too.
"""
from __future__ import annotations

import re
import unicodedata

RIJKSREGISTERNUMMER = "[rijksregisternummer]"
TELEFOON = "[telefoon]"
# A long digit sequence that is neither: a mistyped national number, a bank account, two numbers
# typed together. It may well be personal, and no one needs it in a transcript.
NUMMER = "[nummer]"

# Between two digits people type nothing, spaces, or one of . - / (hyphens from phones and word
# processors included) with stray spaces around it: "85.07.30 - 033.28", "0470/12 34 56".
# The non-ASCII ones are put in as characters, not as \u escapes: Rasa's YAML reader turns
# escapes in data/nlu/regex.yml into characters, and the copy there must be this very string.
_SPACE = "[ \\t\u00a0\u202f]"  # space, tab, no-break spaces
_PUNCT = "[./\\-\u2010-\u2015]"  # dot, slash, hyphen-minus, Unicode hyphens and dashes
_SEP = rf"(?:{_SPACE}*{_PUNCT}{_SPACE}*|{_SPACE}+)"
# A number ends where no digit follows, directly or across a dot, dash or slash. Only a plain
# space may sit between two separate numbers ("0470123456 85073003328"): that is how people type
# two answers in one message.
_END = rf"(?!\d)(?!{_SPACE}*{_PUNCT}{_SPACE}*\d)"
# The same on the left, as far as Python's fixed-width look-behind allows (one space each side).
_START = (rf"(?<![\d+])(?<!\d{_PUNCT})(?<!\d{_SPACE}{_PUNCT})(?<!\d{_PUNCT}{_SPACE})"
          rf"(?<!\d{_SPACE}{_PUNCT}{_SPACE})")

# Eleven digits, grouped in any way: 85073003328, 85.07.30-033.28, 850730-033-28, 85 07 30 033 28.
INSZ_PATTERN = rf"{_START}\d(?:{_SEP}?\d){{10}}{_END}"

# Phone numbers: Belgian with +32 / 0032 (8 or 9 digits after it, "(0)" allowed), Belgian
# national (0 and 8 or 9 more digits: landline 09 123 45 67, mobile 0470 12 34 56), and any
# other international number (+ or 00, then 7 to 14 digits).
_BE_INTERNATIONAL = rf"(?:\+|00){_SPACE}?32(?:{_SEP}?\(0\))?(?:{_SEP}?\d){{8,9}}"
_BE_NATIONAL = rf"0[1-9](?:{_SEP}?\d){{7,8}}"
_INTERNATIONAL = rf"(?:\+|00){_SPACE}?[1-9](?:{_SEP}?\d){{6,13}}"
PHONE_PATTERN = rf"{_START}(?:{_BE_INTERNATIONAL}|{_INTERNATIONAL}|{_BE_NATIONAL}){_END}"

INSZ_SHAPE = re.compile(INSZ_PATTERN)
PHONE_SHAPE = re.compile(PHONE_PATTERN)

# Every maximal run of digits joined by separators (a leading + and a "(0)" included).
_RUN = re.compile(rf"\+?\d(?:(?:{_SEP}?\(0\))?{_SEP}?\d)*")
# Inside a run, a group is what a dot, dash or slash holds together; only between groups (a plain
# space) can one number end and the next begin.
_GROUP = re.compile(rf"\+?(?:\(0\){_SPACE}*)?\d(?:{_SPACE}*{_PUNCT}{_SPACE}*\d|\d)*")
# The shortest phone number in the patterns above has 9 digits (8 after + and a country code).
_LONG_RUN_DIGITS = 9
_MAX_NUMBER_DIGITS = 15
# A Belgian freephone number (0800 and five digits) is a service's line, never a person's: VDAB's
# "0800 30 700" in the assistant's own answers stays readable in the stored conversation (the
# phone's repeat key and the staff console read it back from there).
_FREEPHONE = re.compile(r"0800\d{5}")
INSZ, PHONE, OTHER = "insz", "phone", "other"


def digits(text: str) -> str:
    """The decimal digits of `text` as ASCII digits ("８５" and "85" are the same number)."""
    return "".join(str(unicodedata.decimal(c)) for c in text if unicodedata.category(c) == "Nd")


def ascii_digits(text: str) -> str:
    """`text` with every decimal digit of any script as its ASCII digit, one character for one, so
    positions stay the same ("０４７０" is "0470" to the shapes, the reader and the redaction)."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c for c in text)


# Any run of decimal digits (any script) joined by characters that are not letters, with a leading
# + kept: "85,07,30,033,28", "850730\n03328", "(0470) 12 34 56", "+32(470)123456".
_JOINED = re.compile(r"\+?\d(?:[\W_]*?\d)*")
# An ISO time in our own slot values ("2027-02-01T11:00:00+01:00"): the T is a letter, so only the
# time after it could look like a long number. It is no one's number; it must survive storage.
_ISO_TIME = re.compile(r"(?<=\dT)\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?")


def digit_runs(text: str) -> list[tuple[int, int, str]]:
    """Every run of digits joined by non-letters: (start, end, its digits in ASCII, with a leading
    + when it has one). What is masked and what the booking readers try are these same runs."""
    protected = {m.span() for m in _ISO_TIME.finditer(text)}
    runs = []
    for match in _JOINED.finditer(text):
        if match.span() in protected:
            continue
        run = match.group()
        runs.append((match.start(), match.end(), ("+" if run.startswith("+") else "") + digits(run)))
    return runs


def kind_of_digits(number: str) -> str:
    """INSZ, PHONE or OTHER for a run's digits (with its + if any), by shape alone."""
    if number.startswith("+") and PHONE_SHAPE.fullmatch(number):
        return PHONE
    if INSZ_SHAPE.fullmatch(number):
        return INSZ
    return PHONE if PHONE_SHAPE.fullmatch(number) else OTHER


def number_spans(text: str) -> list[tuple[str, int, int]]:
    """The national numbers (INSZ) and phone numbers in `text`: (kind, start, end), left to right.

    People type two numbers in one message, sometimes with only a space between them
    ("0470 12 34 56 85 07 30 033 28"). Each run of digits is therefore cut, at its spaces only,
    into the fewest pieces that are not a national or phone number; every cut that is best in
    that sense counts, so an ambiguous run gives more than one candidate (the check digits of a
    national number then decide, and two valid ones are not guessed between)."""
    found: set[tuple[str, int, int]] = set()
    for run in _RUN.finditer(text):
        for cut in _best_cuts(run.group()):
            found.update((kind, run.start() + a, run.start() + b) for kind, a, b in cut if kind != OTHER)
    return sorted(found, key=lambda item: (item[1], item[2]))


def insz_spans(text: str) -> list[tuple[int, int]]:
    return [(a, b) for kind, a, b in number_spans(text) if kind == INSZ]


def phone_spans(text: str) -> list[tuple[int, int]]:
    return [(a, b) for kind, a, b in number_spans(text) if kind == PHONE]


def insz_candidates(text: str) -> list[str]:
    """Every national-number-shaped part of `text` (shape only: the check digits are not read here)."""
    return [text[a:b] for a, b in insz_spans(text)]


def _best_cuts(run: str) -> list[list[tuple[str, int, int]]]:
    """The ways to cut `run` into national numbers, phone numbers and other single groups with
    the fewest other groups (at most a few ways: runs are short)."""
    groups = [m.span() for m in _GROUP.finditer(run)]
    # best[i]: (number of other groups, the cuts) for groups[i:]
    best: list[tuple[int, list[list[tuple[str, int, int]]]]] = [(0, [[]])] * (len(groups) + 1)
    for i in range(len(groups) - 1, -1, -1):
        options: list[tuple[int, list[list[tuple[str, int, int]]]]] = []
        for j in range(i + 1, len(groups) + 1):
            start, end = groups[i][0], groups[j - 1][1]
            piece = run[start:end]
            if sum(c.isdigit() for c in piece) > _MAX_NUMBER_DIGITS:
                break
            if INSZ_SHAPE.fullmatch(piece):
                kind, cost = INSZ, 0
            elif PHONE_SHAPE.fullmatch(piece):
                kind, cost = PHONE, 0
            elif j == i + 1:
                kind, cost = OTHER, 1
            else:
                continue
            rest_cost, rest_cuts = best[j]
            options.append((cost + rest_cost, [[(kind, start, end), *cut] for cut in rest_cuts]))
        if not options:  # a single group longer than any number: it is "other" on its own
            rest_cost, rest_cuts = best[i + 1]
            options.append((1 + rest_cost, [[(OTHER, *groups[i]), *cut] for cut in rest_cuts]))
        lowest = min(cost for cost, _ in options)
        best[i] = (lowest, [cut for cost, cuts in options if cost == lowest for cut in cuts][:8])
    return best[0][1]


def redact(text: str) -> str:
    """`text` without national numbers, phone numbers or any other long number, by shape.

    In every run of digits long enough to hold one of them, national numbers become
    [rijksregisternummer], phone numbers [telefoon], and whatever else is in that run [nummer]:
    no digit of a number the reader could accept survives, whatever the grouping. Short runs
    (an age, a year, a postcode, a date, a choice) are kept."""
    if not text or not any(c.isdigit() for c in text):
        return text
    return _mask_long_runs(_RUN.sub(_redact_run, ascii_digits(text)))


def _mask_long_runs(text: str) -> str:
    """Whatever the shapes left: a run of 9 or more digits joined by non-letters is masked whole."""
    out, position = [], 0
    placeholder = {INSZ: RIJKSREGISTERNUMMER, PHONE: TELEFOON, OTHER: NUMMER}
    for start, end, number in digit_runs(text):
        count = len(number.lstrip("+"))
        if count < _LONG_RUN_DIGITS or _FREEPHONE.fullmatch(number):
            continue
        out += [text[position:start], placeholder[kind_of_digits(number)]]
        position = end
    out.append(text[position:])
    return "".join(out)


def _redact_run(match: re.Match[str]) -> str:
    run = match.group()
    count = sum(c.isdigit() for c in run)
    international = run.startswith(("+", "00"))
    if count < _LONG_RUN_DIGITS and not (international and count >= _LONG_RUN_DIGITS - 1):
        return run
    if _FREEPHONE.fullmatch(digits(run)):
        return run
    placeholder = {INSZ: RIJKSREGISTERNUMMER, PHONE: TELEFOON, OTHER: NUMMER}
    out, position = [], 0
    for kind, start, end in _best_cuts(run)[0]:
        out += [run[position:start], placeholder[kind]]
        position = end
    out.append(run[position:])
    return "".join(out)
