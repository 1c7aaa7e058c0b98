"""Where someone lives: reading postcodes, municipalities, regions and countries in a message.

Which words name a place, and their postcodes, is places.py (places/data/gemeenten_be.tsv,
places/data/postcodes_be.tsv, lexicon.yaml); this module decides which mention says where the person
lives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from verwijzing.decision.facts import Regio
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, analyse
from verwijzing.interpret.numbers import fold
from verwijzing.interpret.phrases import about_someone_else
from verwijzing.interpret.place_names import (
    Municipality,
    PlaceEntry,
    municipalities,
    place_index,
    place_key,
    postcode_of_place,
    postcode_table,
    region_of_postcode,
)

_POSTCODE = re.compile(r"(?:(be?)-?)?(\d{4})")
# Before a four-digit number these make it a year or an amount, not a postcode.
_NOT_POSTCODE_BEFORE = {"sinds", "van", "vanaf", "tot", "tussen", "geboren", "jaar", "voor", "na", "rond", "in",
                        "tegen", "eind", "begin", "sedert", "ongeveer", "euro"}
_NOT_POSTCODE_AFTER = {"euro", "eur", "€", "km", "uur", "mensen", "maanden", "jaar", "tot", "-"}


def _postcodes(a: Analysis) -> list[tuple[int, str, int]]:
    """(token index, postcode, strength) of every four-digit number that reads as a postcode.

    Years look like postcodes ("2018" is Antwerpen), so a bare four-digit number only counts with
    a cue: a B- prefix, the word postcode, a place name after it, "in 9000" outside the range
    of years, or a message that is nothing but the number.
    """
    tokens = a.tokens
    content = [i for i, t in enumerate(tokens) if not t.is_punct]
    found = []
    for i, t in enumerate(tokens):
        match = _POSTCODE.fullmatch(t.norm)
        if not match or region_of_postcode(match.group(2)) is None:
            continue
        code = match.group(2)
        previous = tokens[i - 1].norm if i > 0 else ""
        before = {tokens[j].norm for j in range(max(0, i - 2), i)}
        following = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        prefixed = bool(match.group(1)) or previous in ("b", "be")
        cued = bool(before & {"postcode", "postnummer", "pc", "zip"})
        place_after = any(m.start == i + 1 for m in place_mentions(a) if m.entry.kind == "municipality")
        alone = [j for j in content if tokens[j].norm not in ("b", "be", "postcode")] == [i]
        yearish = 1900 <= int(code) <= 2099
        if prefixed or cued or place_after or alone:
            found.append((i, code, 3))
        elif following in _NOT_POSTCODE_AFTER:
            continue
        elif not yearish and previous in ("in", "te") and not before & {"sinds", "van", "tot", "geboren"}:
            found.append((i, code, 2))
    return found


def read_postcode(text: str, asked: bool = False) -> str | None:
    """The Belgian postcode in a message ("9000", "B-9000 Gent", "postcode 2018"), else the main
    postcode of the municipality where the person says they live ("ik woon in Gent" → "9000",
    "in Drongen" → Gent's), else None.

    A place counts as for read_woonregio (`asked`: the postcode was just asked, so a bare answer
    like "geel" counts too). A name shared by places with different postcodes ("Aalst": the city
    and a village of Sint-Truiden) gives None rather than a wrong postcode, and so does a message
    whose most likely place is a region or a country."""
    a = analyse(text)
    found = _postcodes(a)
    if found:
        return max(found, key=lambda f: (f[2], -f[0]))[1]
    return _municipality_postcode(a, asked)


def _municipality_postcode(a: Analysis, asked: bool) -> str | None:
    scored = []
    for m in place_mentions(a):
        if m.entry.region is None:
            continue
        score = _score(a, m, asked)
        if score:
            scored.append((score, -m.start, m))
    if scored:
        best = max(scored, key=lambda s: (s[0], s[1]))[2]
        if best.entry.kind not in ("municipality", "region"):
            return None  # "ik woon in Nederland", "in Maastricht": no Belgian postcode follows
        # A region word gives a postcode only when it is also a municipality's name in the same
        # region ("Antwerpen", "Namen"); not "Vlaanderen", nor "Limburg" (Limbourg is in Liège).
        code = postcode_table().get(best.key)
        return code if code and region_of_postcode(code) == best.entry.region else None
    if asked and (entry := _fuzzy_municipality(a)) and entry.municipality:
        return postcode_of_place(entry.municipality.name)
    return None


# --- place mentions --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    entry: PlaceEntry
    start: int  # token indices
    end: int
    key: str


@cache
def _cues() -> dict[str, list[str]]:
    return {k: [fold(w) for w in v] for k, v in data()["place_cues"].items()}


@lru_cache(maxsize=512)  # per message: bounded, the action server runs for weeks
def place_mentions(a: Analysis) -> tuple[_Mention, ...]:
    """Every place name in the message, longest first ("bergen op zoom" before "bergen")."""
    index, longest = place_index()
    words: list[tuple[str, int] | None] = []
    for i, t in enumerate(a.tokens):
        if t.is_punct or t.value is not None:
            words.append(None)
            continue
        for part in place_key(t.norm).split():
            words.append((part, i))
    found = []
    k = 0
    while k < len(words):
        hit = None
        for n in range(min(longest, len(words) - k), 0, -1):
            window = [w for w in words[k:k + n] if w is not None]
            if len(window) < n:  # a punctuation mark or a number in between
                continue
            key = " ".join(w[0] for w in window)
            if key in index:
                hit = _Mention(index[key], window[0][1], window[-1][1] + 1, key)
                k += n
                break
        if hit:
            found.append(hit)
        else:
            k += 1
    return tuple(found)


_ARTICLES = {"de", "het", "een", "die", "dat", "deze", "mijn", "onze"}
_WORKPLACE = ("werk", "werken", "werkt", "job", "bediende", "arbeider", "aan de slag", "zelfstandige")


def _score(a: Analysis, m: _Mention, asked: bool) -> int:
    """How sure the mention is about where the person lives: 0 (not at all) … 3 (said so)."""
    cues = _cues()
    clause = a.clause_of(m.start)
    before = range(clause.start, m.start)
    if a.has(cues["not_residence"], clause) and not a.has(cues["residence"], clause):
        return 0  # "geboren in Gent", "een diploma uit Marokko", "ik kom uit Turkije"
    if about_someone_else(a, m.start):
        return 0  # "mijn dochter woont in Gent"
    near = range(max(clause.start, m.start - 3), m.start)
    residence = a.has(cues["residence"], before)
    locative = a.has(cues["locative"], near)
    asked_locative = asked and a.has(cues["asked_locative"], near)
    content = [i for i, t in enumerate(a.tokens) if not t.is_punct]
    filler = ("ik", "woon", "in", "te", "ja", "uit", "van")
    whole = all(m.start <= i < m.end or a.tokens[i].norm in filler for i in content)
    capitalised = a.tokens[m.start].capitalised
    if m.entry.ambiguous and not (residence or locative or asked_locative or capitalised or (asked and whole)):
        return 0
    if m.entry.ambiguous and not capitalised and m.start > 0 and a.tokens[m.start - 1].norm in _ARTICLES:
        return 0  # "ik werk in de boom", "in het mol": the word, not the place
    if residence:
        return 3
    if m.entry.kind in ("country", "foreign") and not asked:
        return 0  # "ik werk in Nederland" says where the job is, not where the person lives
    if locative or asked_locative:
        # Where the job is only stands in for the home when nothing better is said: "Maastricht,
        # maar ik werk in Hasselt" lives in Maastricht.
        return 1 if a.has(_WORKPLACE, before) else 2
    if asked:
        return 1
    if m.entry.kind == "region" and not m.entry.ambiguous:
        return 1
    # A bare municipality, unasked and without a cue, only when written as a name: "patatte
    # schelle" (peeling potatoes) is no Schelle.
    if m.entry.kind == "municipality" and not m.entry.ambiguous and capitalised:
        return 1
    return 0


def _fuzzy_municipality(a: Analysis) -> PlaceEntry | None:
    """A whole answer that is a misspelt municipality ("Antwerpn", "Kortrjik")."""
    words = [t.norm for t in a.tokens if not t.is_punct and t.norm not in ("ik", "woon", "in", "te")]
    if not 1 <= len(words) <= 4:
        return None
    key = place_key(" ".join(words))
    if len(key) < 5:
        return None
    index = municipalities()
    candidates = [k for k in index if k[:1] == key[:1] and abs(len(k) - len(key)) <= 2]
    close = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=85)
    return index[close[0]] if close else None


def read_woonregio(text: str, asked: bool = False) -> Regio | None:
    """A Regio value for where the person lives, from a postcode, municipality, region or country.

    asked=False only believes a place with a cue ("ik woon in Gent", "als bediende in Gent") or
    a municipality name that is no ordinary word; asked=True also takes a bare answer ("Geel",
    "uit Namen"). Origin ("ik kom uit Marokko"), birth and schooling places never count.
    """
    a = analyse(text)
    scored: list[tuple[int, int, str]] = []
    for m in place_mentions(a):
        if m.entry.region is None:
            continue
        score = _score(a, m, asked)
        if score:
            scored.append((score, -m.start, m.entry.region))
    for i, code, strength in _postcodes(a):
        region = region_of_postcode(code)
        if region:
            scored.append((max(strength, 2), -i, region))
    if scored:
        return Regio(max(scored)[2])
    if asked and (entry := _fuzzy_municipality(a)) and entry.region:
        return Regio(entry.region)
    return None


def find_municipality(text: str) -> Municipality | None:
    """The Belgian municipality a message names, with the postcode if the message gives one."""
    a = analyse(text)
    candidates = []
    for m in place_mentions(a):
        if m.entry.kind != "municipality":
            continue
        score = _score(a, m, asked=True)
        if score:
            candidates.append((score, -m.start, m))
    candidates = [c for c in candidates if c[2].entry.municipality is not None]  # has coordinates
    if candidates:
        best = max(candidates, key=lambda c: (c[0], c[1]))[2]
        place = best.entry.municipality
    else:
        entry = _fuzzy_municipality(a)
        if entry is None:
            return None
        place = entry.municipality
    if place is None:
        return None
    postcodes = [code for _, code, _ in _postcodes(a) if region_of_postcode(code) == place.region]
    if postcodes:
        return Municipality(place.name, place.region, place.latitude, place.longitude, postcodes[0])
    return place
