"""Reading the mandate register (counsellors/register.py): a good file gives its entries; a file
with mistakes gives one line per wrong cell, with its line, its column and what is wrong, and no
entry at all (nothing is half-imported)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.enums import Modality

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "verwijzing" / "demo" / "mandaatregister.csv"
HEADER = ",".join(COLUMNS)
GOOD = ('LK-2027-0001,Lotte Peeters,lotte.peeters@example.be,0470 12 34 56,"Kouter 1, Gent",9000,'
        "op_locatie;online,nl;fr,2026-09-01,,2026-09-01,,ja")


def csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join((header, *rows)).encode()


def test_a_good_line_becomes_an_entry_with_everything_read():
    register = read_register(csv(GOOD))
    assert register.problems == []
    [entry] = register.entries
    assert entry.mandate_number == "LK-2027-0001" and entry.name == "Lotte Peeters"
    assert entry.phone == "+32470123456" and entry.office_address == "Kouter 1, Gent"
    assert entry.modalities == {Modality.OP_LOCATIE, Modality.ONLINE} and entry.languages == {"nl", "fr"}
    assert entry.mandate_valid_from == dt.date(2026, 9, 1) and entry.mandate_valid_to is None
    assert entry.wheelchair_access is True


def test_excel_in_belgium_semicolons_a_bom_and_day_first_dates_are_read():
    row = ('LK-1;An Maes;an@example.be;;"Markt 3; Leuven";3000;"op locatie, telefoon";nl;01/09/2026;'
           "31/08/2031;01/09/2026;;nee")
    register = read_register("\ufeff".encode() + csv(row, header=";".join(COLUMNS)))
    assert register.problems == [], [str(p) for p in register.problems]
    [entry] = register.entries
    assert entry.mandate_valid_to == dt.date(2031, 8, 31) and entry.modalities == {Modality.OP_LOCATIE,
                                                                                   Modality.TELEFOON}
    assert entry.office_address == "Markt 3; Leuven"


def test_a_file_with_many_kinds_of_mistake_says_each_one_and_keeps_nothing():
    register = read_register(csv(
        GOOD,
        "LK-2,Wout Janssens,wout.example.be,0470 12,,90000,fiets,nederlands,2027-13-01,,,,misschien",
        "LK-3,,sien@example.be,,,3000,online,nl,2027-01-01,2026-01-01,,,",
        "LK-2027-0001,Dubbel,d@example.be,,,3000,online,nl,2027-01-01,,,,",
        "LK-4,Te kort,k@example.be,,,3000,online,nl",
    ))
    said = [str(p) for p in register.problems]
    assert register.entries == []
    expected = [
        "regel 3, kolom email: 'wout.example.be' is geen e-mailadres.",
        "regel 3, kolom postcode: '90000' is geen Belgische postcode.",
        "regel 3, kolom modaliteiten: 'fiets' ken ik niet.",
        "regel 3, kolom talen: 'nederlands' is geen taalcode.",
        "regel 3, kolom mandaat_van: '2027-13-01' is geen datum.",
        "regel 3, kolom rolstoeltoegankelijk: 'misschien' is geen ja of nee.",
        "regel 3, kolom telefoon: '0470 12' is geen telefoonnummer.",
        "regel 4, kolom naam: deze kolom is leeg, maar is verplicht.",
        "regel 4, kolom mandaat_tot: 2026-01-01 ligt vóór mandaat_van (2027-01-01).",
        "regel 5, kolom mandaatnummer: LK-2027-0001 staat ook al op regel 2.",
        "regel 6: deze regel heeft 8 kolommen, de eerste regel 13.",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in said), (start, said)
    assert len(said) == len(expected), said


def test_the_header_is_checked_before_any_line():
    register = read_register(csv(GOOD, header=HEADER.replace("postcode", "post").replace("naam", "naam,naam")))
    said = [str(p) for p in register.problems]
    assert said[0] == "regel 1: deze kolommen ontbreken: postcode."
    assert "regel 1: deze kolommen ken ik niet: post." in said[1]
    assert said[2] == "regel 1: deze kolommen staan er twee keer: naam."


def test_an_empty_file_and_one_that_is_not_utf8_are_said_plainly():
    assert str(read_register(b"").problems[0]) == ("regel 1: het bestand is leeg. De eerste regel noemt de "
                                                   "kolommen.")
    latin1 = csv(GOOD.replace("Lotte", "Ren\u00e9e")).decode().encode("latin-1")
    assert "geen UTF-8" in str(read_register(latin1).problems[0])
    assert str(read_register(csv()).problems[0]) == "regel 1: er staat geen enkele begeleider in het bestand."


def test_op_locatie_needs_the_office_address():
    register = read_register(csv("LK-9,Jef Maes,jef@example.be,,,2000,op_locatie,nl,2026-01-01,,,,"))
    assert [str(p) for p in register.problems] == [
        "regel 2, kolom adres: wie op locatie werkt, geeft het adres van het kantoor."]


def test_the_example_file_the_demo_imports_is_a_good_register():
    register = read_register(EXAMPLE.read_bytes())
    assert register.problems == [], [str(p) for p in register.problems]
    assert len(register.entries) >= 40
