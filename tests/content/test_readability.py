"""The Flesch-Douma reading ease (verwijzing.content.readability): syllables from the Dutch
hyphenation dictionary, plain sentences above 60, officialese below it, and texts with nothing
to read in them."""
from __future__ import annotations

import pytest

from verwijzing.content.readability import (
    BASE,
    NUMBER_SYLLABLES,
    PLAIN_LANGUAGE,
    flesch_douma,
    sentences,
    syllables,
    word_syllables,
)


@pytest.mark.parametrize(("word", "count"), [
    ("loopbaanbegeleiding", 6),  # loop-baan-be-ge-lei-ding
    ("Loopbaanbegeleiding", 6),
    ("werk", 1),
    ("ervaring", 3),
    ("euro", 2),
    ("uur", 1),
    ("identiteitskaart", 5),  # i-den-ti-teits-kaart: the lone first "i" is added back
    ("idee", 2),
    ("over", 2),
    ("afspraak", 2),
    ("begeleider", 4),
    ("België", 2),  # a trema splits: Bel-gië
    ("geïnteresseerd", 5),
    ("euro's", 2),
    ("e-mail", 2),
    ("sms-bericht", 3),
    ("ieder", 2),  # "ie" is one vowel: no lone first letter
    ("elke", 2),
])
def test_syllables(word: str, count: int) -> None:
    assert syllables(word) == count


def test_a_number_counts_as_one_word_of_two_syllables() -> None:
    for number in ("15", "2027", "0800", "16.30", "1.000,50", "LK-7K3P"):
        assert word_syllables(number) == NUMBER_SYLLABLES
    assert sentences("Bel 0800 30 700, van 8 tot 16.30 uur.") == [["Bel", "0800", "30", "700", "van", "8", "tot",
                                                                      "16.30", "uur"]]


def test_the_formula() -> None:
    # 3 words, 1 sentence, 1 + 1 + 3 syllables.
    assert flesch_douma("Ik zoek werk.") == pytest.approx(BASE - 0.93 * 3 - 77 * 3 / 3)
    assert flesch_douma("Ik werk. Jij ook ervaring?") == pytest.approx(BASE - 0.93 * 5 / 2 - 77 * 7 / 5)


@pytest.mark.parametrize("text", [
    "Je kan met iemand van VDAB praten.",
    "Wat is je postcode? Dan zoek ik een begeleider in je buurt.",
    "Hoe oud ben je?",
    "Je afspraak is geannuleerd. De 2 uur staan terug op je krediet.",
    "Ik help je met vragen over je werk. Wil je met een mens praten? Bel dan gratis.",
])
def test_short_plain_sentences_are_plain_language(text: str) -> None:
    assert flesch_douma(text) >= PLAIN_LANGUAGE


def test_a_long_official_sentence_is_not() -> None:
    text = ("Overeenkomstig de toepasselijke reglementaire bepalingen inzake loopbaanbegeleiding dient de "
            "aanvrager, teneinde aanspraak te kunnen maken op de tegemoetkoming van de Vlaamse overheid, het "
            "bewijs te leveren van een voorafgaandelijke beroepsactiviteit van minimaal zeven jaren.")
    assert flesch_douma(text) < PLAIN_LANGUAGE


def test_sentences_end_at_end_marks_and_line_breaks() -> None:
    assert sentences("Werk je nu? Ja! Goed. Dan verder") == [["Werk", "je", "nu"], ["Ja"], ["Goed"], ["Dan", "verder"]]
    assert sentences("Typ het nummer dat past:\n1. Ja\n2. Nee\n- Met een mens praten") == [
        ["Typ", "het", "nummer", "dat", "past"], ["Ja"], ["Nee"], ["Met", "een", "mens", "praten"]]
    assert sentences("Een zin zonder eindteken") == [["Een", "zin", "zonder", "eindteken"]]


def test_links_placeholders_markdown_and_emoji_are_not_read() -> None:
    assert sentences("Kijk op vdab.be/opleidingen. Of op https://www.vlaanderen.be/x?a=1.") == [["Kijk", "op"],
                                                                                              ["Of", "op"]]
    assert sentences("Zet het in je agenda: http://localhost:8080/x.ics Kan je niet?") == [
        ["Zet", "het", "in", "je", "agenda"], ["Kan", "je", "niet"]]
    assert sentences("Dag {naam}, je afspraak {} staat vast 👍") == [["Dag", "je", "afspraak", "staat", "vast"]]
    assert sentences("**Let op**: lees [de uitleg](https://x.be) of mail info@vdab.be") == [
        ["Let", "op", "lees", "de", "uitleg", "of", "mail"]]


@pytest.mark.parametrize("text", ["", "   \n ", "https://www.vdab.be/loopbaanbegeleiding", "vdab.be", "{naam}", "👍"])
def test_a_text_without_words_scores_the_ceiling(text: str) -> None:
    assert flesch_douma(text) == BASE


def test_only_a_number() -> None:
    assert flesch_douma("15") == pytest.approx(BASE - 0.93 - 77 * NUMBER_SYLLABLES)
    assert flesch_douma("2027") == flesch_douma("15")
