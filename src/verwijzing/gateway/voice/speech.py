"""Text for the ear: what the assistant writes, made fit to be spoken on the phone.

Pure functions. The bot's texts are written for the screen; on the phone a text-to-speech voice
reads them, and the caller answers with the keypad or by speaking. So:

- amounts, times and dates are written the way a Flemish speaker says them ("2 euro 50",
  "13 uur 30", "dinsdag 3 december"), with babel's nl_BE names;
- no web address is read aloud: a sentence with a link is dropped, and a bare site name the
  texts point to ("vdab.be") becomes a spoken pointer that says the same ("de website van VDAB");
- no emoji, no quotes, no brackets;
- screen words ("typ", "klik", "knop", "de chat") become what is true on the phone;
- a menu's numbered lines become "Druk 1 voor …", so every choice can be made with one key.
"""
from __future__ import annotations

import datetime as dt
import re

from verwijzing.booking.references import WRITTEN_REFERENCE
from verwijzing.gateway.assistant import BotMessage
from verwijzing.gateway.options import Choice, lists_choices, reply_choices
from verwijzing.nl_be import month_names, weekday_date_words, weekday_names

# The short weekday names people and the booking texts write ("di 3/12").
_SHORT_DAYS = {"ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6}

# --- amounts -------------------------------------------------------------------------------------

_AMOUNT = r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}|-))?"
_EURO_BEFORE = re.compile(rf"(?:€|\bEUR\b)\s?{_AMOUNT}(?:\s?euro\b)?", re.IGNORECASE)
_EURO_AFTER = re.compile(rf"(?<![\d.,]){_AMOUNT}\s?(?:euro\b|€|EUR\b)", re.IGNORECASE)


def _euro_words(whole: str, cents: str | None) -> str:
    euros = int(whole.replace(".", ""))
    if not cents or cents == "-" or int(cents) == 0:
        return f"{euros} euro"
    cents = cents.ljust(2, "0")
    if euros == 0:
        return f"{int(cents)} cent"
    return f"{euros} euro {int(cents)}"


def euros(text: str) -> str:
    """"€25", "€ 25", "25 €" → "25 euro"; "€ 2,50" → "2 euro 50"; "€ 1.250" → "1250 euro"."""
    text = _EURO_BEFORE.sub(lambda m: _euro_words(m.group(1), m.group(2)), text)
    return _EURO_AFTER.sub(lambda m: _euro_words(m.group(1), m.group(2)), text)


# --- times ---------------------------------------------------------------------------------------

# "9:00", "13:30", "9.30 uur", "16.30u", "9u30", "9h30". A dot alone is a time only with "uur"
# or "u" after it: "85.07.30" is a national number, not half past seven.
_TIME = re.compile(
    r"(?<![\d.:,])([01]?\d|2[0-3])(?:(:)([0-5]\d)(?:\s?(?:uur|u)\b)?|\.([0-5]\d)\s?(?:uur|u)\b|[uh]([0-5]\d))(?![\d:])")


def _time_words(match: re.Match[str]) -> str:
    hour = int(match.group(1))
    minutes = next(m for m in (match.group(3), match.group(4), match.group(5)) if m is not None)
    return f"{hour} uur" if int(minutes) == 0 else f"{hour} uur {int(minutes)}"


def times(text: str) -> str:
    """"9:00" → "9 uur", "13:30" → "13 uur 30", "16.30 uur" → "16 uur 30"."""
    return _TIME.sub(_time_words, text)


# --- dates ---------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_FULL_DATE = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_DAY_DATE = re.compile(r"\b(ma|di|wo|do|vr|za|zo)\.?\s+(\d{1,2})/(\d{1,2})(?![\d/])", re.IGNORECASE)


def _date_words(day: dt.date) -> str:
    """"donderdag 3 december 2026"."""
    return weekday_date_words(day)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def dates(text: str) -> str:
    """"di 3/12" → "dinsdag 3 december"; "3/12/2026" and "2026-12-03" → "donderdag 3 december 2026"."""
    def iso(m: re.Match[str]) -> str:
        day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _date_words(day) if day else m.group(0)

    def full(m: re.Match[str]) -> str:
        day = _safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return _date_words(day) if day else m.group(0)

    def with_weekday(m: re.Match[str]) -> str:
        day, month = int(m.group(2)), int(m.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return m.group(0)
        return f"{weekday_names()[_SHORT_DAYS[m.group(1).lower()]]} {day} {month_names()[month - 1]}"

    text = _ISO_DATE.sub(iso, text)
    text = _FULL_DATE.sub(full, text)
    return _DAY_DATE.sub(with_weekday, text)


# --- links ---------------------------------------------------------------------------------------

# The sites the texts point to, said the way a person would say them. Only a bare site name
# ("vdab.be", "vlaanderen.be/loopbaanbegeleiding") becomes a pointer: it names where to look.
SITES = {
    "vlaanderen.be": "de website van de Vlaamse overheid",
    "vdab.be": "de website van VDAB",
    "vlaio.be": "de website van VLAIO",
    "leforem.be": "de website van Le Forem",
    "adg.be": "de website van het ADG",
}
_FULL_LINK = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_LINK_BEFORE_SENTENCE = re.compile(r"\b(?i:https?://|www\.)\S+(?=\s+[A-Z])")
_SITE = re.compile(r"\b((?:[a-z0-9-]+\.)+(?:be|com|eu|org|net|nl|info|brussels|vlaanderen))"
                   r"(?:/[^\s]*[^\s.,;:!?)])?", re.IGNORECASE)
_MORE_INFO = re.compile(r"\b(Meer (?:uitleg|info|informatie)):\s*(?=de website)", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _pointer(site: str) -> str | None:
    site = site.lower().removeprefix("www.")
    return SITES.get(site) or next((p for s, p in SITES.items() if site.endswith("." + s)), None)


def links(text: str) -> str:
    """No web address read aloud: a known site becomes a spoken pointer; a sentence with any
    other address (a full link, such as the calendar invite) is left out."""
    kept = []
    # A link followed by a capital ends its sentence ("…: https://… Kan je niet?").
    text = _LINK_BEFORE_SENTENCE.sub(lambda m: m.group(0) if m.group(0)[-1] in ".!?" else m.group(0) + ".", text)
    for sentence in _SENTENCE.split(text):
        if _FULL_LINK.search(sentence):
            continue
        unknown = False

        def point(m: re.Match[str]) -> str:
            nonlocal unknown
            pointer = _pointer(m.group(1))
            if pointer is None:
                unknown = True
                return m.group(0)
            return pointer

        sentence = _SITE.sub(point, sentence)
        if unknown:
            continue
        kept.append(_MORE_INFO.sub(lambda m: f"{m.group(1)} vind je op ", sentence))
    return " ".join(kept)


# --- emoji, quotes, brackets ---------------------------------------------------------------------

_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0E\uFE0F\u200D\u20E3]")
# A quoted example ('ja', "opnieuw"), not an apostrophe inside a word (foto's, 's avonds).
_QUOTED = re.compile(r"(?<!\w)['‘’\"“”]([^'‘’\"“”\n]+?)['‘’\"“”](?!\w)")
_BRACKETS = re.compile(r"\s*\(([^()]*)\)")


def plain(text: str) -> str:
    text = _EMOJI.sub("", text)
    text = _QUOTED.sub(r"\1", text)
    # "niet (meer)" → "niet meer"; a longer aside between commas.
    text = _BRACKETS.sub(lambda m: f" {m.group(1)}" if " " not in m.group(1).strip() else f", {m.group(1)},", text)
    text = re.sub(r",\s*([.,:;!?])", r"\1", text)
    return text.replace("&", " en ")


# --- screen words --------------------------------------------------------------------------------

# Whole sentences of the screen texts that have a different truth on the phone.
PHONE_SENTENCES = (
    # The national number's example is written with dots and a dash; on the phone: the digits.
    (re.compile(r"Typ het zo: [\d.\s-]+\.?", re.IGNORECASE), "Toets de 11 cijfers en dan een hekje."),
    (re.compile(r"Typ je gsm-nummer zo: [\d\s]+\.?", re.IGNORECASE), "Toets je gsm-nummer en dan een hekje."),
    # Cancelling or moving needs the reference (letters): the keypad cannot type it.
    (re.compile(r"Kan je niet\? Typ annuleer \S+ of verplaats \S+\.?", re.IGNORECASE),
     "Kan je niet? Annuleer of verplaats je afspraak dan op de website, met je referentie."),
)
_TYPE_DIGITS = re.compile(
    r"\b([Tt])yp(?=\s+(?:dan\s+|alleen\s+|ook\s+|nu\s+)?(?:het nummer|het getal|een getal|de \d+ cijfers|"
    r"je postcode|de cijfers|het jaar|je gsm|(?:alleen\s+)?je (?:eigen\s+)?nummer))")
_TYPE_KEY = re.compile(r"\b([Tt])yp(?=\s+(?:dan\s+)?\d\b)")
_TYPE = re.compile(r"\b([Tt])yp\b")
_WORDS = (
    (re.compile(r"\b([Kk])lik\b"), lambda m: "Druk" if m.group(1) == "K" else "druk"),
    (re.compile(r"\btypt\b"), lambda m: "ingeeft"),
    (re.compile(r"\bknoppen\b"), lambda m: "toetsen"),
    (re.compile(r"\bknop\b"), lambda m: "toets"),
    (re.compile(r"\b(via|in) de chat\b"), lambda m: "via de telefoon"),
)


def _cased(first: str, word: str) -> str:
    return word.capitalize() if first.isupper() else word


def phone_words(text: str) -> str:
    """Screen words → what is true on the phone: 'typ 0' → 'druk 0', 'typ het nummer' → 'toets
    het nummer', 'typ ja' → 'zeg ja' (speech is on), 'knop' → 'toets', 'de chat' → 'de telefoon'."""
    for pattern, spoken in PHONE_SENTENCES:
        text = pattern.sub(spoken, text)
    text = _TYPE_KEY.sub(lambda m: _cased(m.group(1), "druk"), text)
    text = _TYPE_DIGITS.sub(lambda m: _cased(m.group(1), "toets"), text)
    text = _TYPE.sub(lambda m: _cased(m.group(1), "zeg"), text)
    for pattern, replace in _WORDS:
        text = pattern.sub(replace, text)
    return text


# --- references ----------------------------------------------------------------------------------

def references(text: str) -> str:
    """"LK-7K3P" spelled out, "L K 7 K 3 P": a voice reads a code letter by letter only then."""
    return WRITTEN_REFERENCE.sub(lambda m: " ".join("LK" + m.group(1)), text)


# --- whole texts and menus -----------------------------------------------------------------------

_NUMBERED_LINE = re.compile(r"^\s*(\d{1,2})\s*[.)]\s+(.+)$")


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # A line without an end mark would run into the next one when spoken.
    text = " ".join(line if line[-1] in ".!?:," else line + "." for line in lines)
    text = re.sub(r"\s+([.,:;!?])", r"\1", text)
    text = re.sub(r"([.,:;!?])\1+", r"\1", text)
    text = re.sub(r"([?!:])[.,]", r"\1", text)  # a quoted question at the end of a sentence
    return re.sub(r"\s{2,}", " ", text).strip()


def for_ear(text: str) -> str:
    """One bot text, fit to be spoken."""
    text = phone_words(plain(text))
    text = links(_tidy(text))
    text = references(dates(times(euros(text))))
    return _tidy(text)


def _choice_words(choice: Choice) -> str:
    if choice.number == "0":
        return "Druk 0 om met een mens te praten."
    title = for_ear(choice.title).rstrip(".?!")
    if title[:1].isupper() and title[1:2].islower():
        title = title[0].lower() + title[1:]
    # A voice title written as a clause ("als je werk zoekt") follows the key; others get "voor".
    joiner = " " if re.match(r"(als|om|wanneer)\b", title) else " voor "
    return f"Druk {choice.number}{joiner}{title}."


def keypad_menu(listed: list[Choice]) -> str:
    """"Druk 1 voor ja. Druk 2 voor nee." — the person's choice with one key."""
    return " ".join(_choice_words(c) for c in listed)


def _menu_in_place(text: str, listed: list[Choice]) -> str:
    """A repair menu's numbered lines, each replaced by its keypad sentence where it stood."""
    by_number = {c.number: c for c in listed}
    lines = []
    for line in text.splitlines():
        numbered = _NUMBERED_LINE.match(line)
        lines.append(_choice_words(by_number[numbered.group(1)])
                     if numbered and numbered.group(1) in by_number else line)
    return "\n".join(lines)


HASH_HINT = "Sluit af met een hekje."


def spoken_reply(reply: list[BotMessage], *, digits_then_hash: bool = False) -> str:
    """A whole reply as one spoken text. The choices of its last message with buttons become a
    keypad menu (replacing the numbered lines a repair menu already shows). When the answer is
    a number typed on the keypad, the caller hears to end it with '#'."""
    listed = reply_choices(reply)
    with_buttons = next((m for m in reversed(reply) if m.buttons), None)
    parts = []
    for message in reply:
        text = message.text
        if message is with_buttons and listed:
            if lists_choices(text, listed):
                parts.append(for_ear(_menu_in_place(text, listed)))
            else:
                parts.append(f"{for_ear(text)} {keypad_menu(listed)}".strip())
        elif text.strip():
            parts.append(for_ear(text))
    spoken = " ".join(p for p in parts if p)
    if digits_then_hash and "hekje" not in spoken:
        spoken = f"{spoken} {HASH_HINT}".strip()
    return spoken
