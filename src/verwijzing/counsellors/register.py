"""The mandate register as a file: reading and checking it, without touching the database.

A beheerder imports the register of counsellors with a mandate (`verwijzing counsellors import
FILE.csv`, docs/counsellors.md). This module turns the file's text into `Entry` values, or into
one `Problem` per wrong cell, each with its line and column and what is wrong in plain Dutch, so
that the person who made the file can mend all of it at once. Nothing here does I/O:
`counsellors.importer` applies the entries in one transaction.

The file is UTF-8 CSV with a header row. Excel in Belgium writes `;` between the columns, other
tools `,`: both are read. Dates are written 2027-01-31 or 31/01/2027.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import babel
from email_validator import EmailNotValidError, validate_email

from verwijzing.enums import Modality
from verwijzing.notify.phone import InvalidPhone, normalise_phone
from verwijzing.places.postcodes import UnknownPostcode, province_of

# The columns, in the order of the example file; the required ones must have a value.
COLUMNS = ("mandaatnummer", "naam", "email", "telefoon", "adres", "postcode", "modaliteiten", "talen",
           "mandaat_van", "mandaat_tot", "kwalificatie_van", "kwalificatie_tot", "rolstoeltoegankelijk")
REQUIRED = frozenset({"mandaatnummer", "naam", "email", "postcode", "modaliteiten", "talen", "mandaat_van"})

_MANDATE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{0,31}")
_LIST_SEPARATORS = re.compile(r"[;,/|]|\s+en\s+|\s+")
_MODALITY_WORDS = {
    "op_locatie": Modality.OP_LOCATIE, "op locatie": Modality.OP_LOCATIE, "oplocatie": Modality.OP_LOCATIE,
    "locatie": Modality.OP_LOCATIE, "online": Modality.ONLINE, "video": Modality.ONLINE,
    "telefoon": Modality.TELEFOON, "telefonisch": Modality.TELEFOON,
}
_YES = frozenset({"ja", "j", "yes", "y", "1", "waar", "true", "x"})
_NO = frozenset({"nee", "n", "no", "0", "onwaar", "false", ""})
MAX_NAME = 120
# What a helper calls for a wrong cell: the column and what is wrong.
_Wrong = Callable[[str, str], None]
MAX_ADDRESS = 200


@dataclass(frozen=True)
class Entry:
    """One counsellor as the register describes them (the phone in E.164, not yet sealed)."""

    line: int
    mandate_number: str
    name: str
    email: str
    phone: str | None
    office_address: str | None
    office_postcode: str
    modalities: frozenset[Modality]
    languages: frozenset[str]
    mandate_valid_from: dt.date
    mandate_valid_to: dt.date | None
    qualification_valid_from: dt.date | None
    qualification_valid_to: dt.date | None
    wheelchair_access: bool


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None
    what: str

    def __str__(self) -> str:
        where = f"regel {self.line}, kolom {self.column}" if self.column else f"regel {self.line}"
        return f"{where}: {self.what}"


@dataclass(frozen=True)
class Register:
    entries: list[Entry]
    problems: list[Problem]


def read_register(raw: bytes) -> Register:
    """Every entry of the file, or every problem in it (then no entry is to be used)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        return Register([], [Problem(line, None, "dit is geen UTF-8-tekst. Bewaar het bestand als "
                                                  "'CSV UTF-8' en probeer opnieuw.")])
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return Register([], [Problem(1, None, "het bestand is leeg. De eerste regel noemt de kolommen.")])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(rows)]
    problems = _header_problems(header)
    if problems:
        return Register([], problems)
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for row in rows:
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue  # an empty line, as spreadsheets leave at the end
        if len(row) != len(header):
            problems.append(Problem(line, None, f"deze regel heeft {len(row)} kolommen, de eerste regel "
                                                f"{len(header)}. Staat er een '{delimiter}' in een waarde? "
                                                "Zet die waarde dan tussen aanhalingstekens."))
            continue
        entry, wrong = _entry(line, dict(zip(header, (cell.strip() for cell in row), strict=True)))
        problems.extend(wrong)
        if entry is None:
            continue
        key = entry.mandate_number.upper()
        if key in seen:
            problems.append(Problem(line, "mandaatnummer", f"{entry.mandate_number} staat ook al op regel "
                                                            f"{seen[key]}. Elk mandaat komt één keer voor."))
            continue
        seen[key] = line
        entries.append(entry)
    if not entries and not problems:
        problems.append(Problem(1, None, "er staat geen enkele begeleider in het bestand."))
    return Register(entries if not problems else [], problems)


def _header_problems(header: list[str]) -> list[Problem]:
    problems = []
    missing = [name for name in COLUMNS if name in REQUIRED and name not in header]
    if missing:
        problems.append(Problem(1, None, "deze kolommen ontbreken: " + ", ".join(missing) + "."))
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(Problem(1, None, "deze kolommen ken ik niet: " + ", ".join(unknown)
                                + ". De kolommen staan in docs/counsellors.md."))
    doubled = sorted({name for name in header if header.count(name) > 1})
    if doubled:
        problems.append(Problem(1, None, "deze kolommen staan er twee keer: " + ", ".join(doubled) + "."))
    return problems


def _entry(line: int, cells: dict[str, str]) -> tuple[Entry | None, list[Problem]]:
    problems: list[Problem] = []

    def wrong(column: str, what: str) -> None:
        problems.append(Problem(line, column, what))

    for column in sorted(REQUIRED, key=COLUMNS.index):
        if not cells.get(column):
            wrong(column, "deze kolom is leeg, maar is verplicht.")
    number = cells.get("mandaatnummer", "")
    if number and not _MANDATE_NUMBER.fullmatch(number):
        wrong("mandaatnummer", f"'{number}' is geen mandaatnummer: alleen letters, cijfers, '-', '.' en '/', "
                               "hoogstens 32 tekens.")
    name = cells.get("naam", "")
    if len(name) > MAX_NAME:
        wrong("naam", f"de naam is langer dan {MAX_NAME} tekens.")
    email = _email(cells.get("email", ""), wrong)
    phone = _phone(cells.get("telefoon", ""), wrong)
    address = cells.get("adres") or None
    if address and len(address) > MAX_ADDRESS:
        wrong("adres", f"het adres is langer dan {MAX_ADDRESS} tekens.")
    postcode = cells.get("postcode", "")
    if postcode:
        try:
            province_of(postcode)
        except (UnknownPostcode, ValueError):
            wrong("postcode", f"'{postcode}' is geen Belgische postcode. Een postcode heeft 4 cijfers, "
                              "van 1000 tot 9999.")
    modalities = _modalities(cells.get("modaliteiten", ""), wrong)
    if Modality.OP_LOCATIE in modalities and not address:
        wrong("adres", "wie op locatie werkt, geeft het adres van het kantoor.")
    languages = _languages(cells.get("talen", ""), wrong)
    dates = {column: _date(column, cells.get(column, ""), wrong)
             for column in ("mandaat_van", "mandaat_tot", "kwalificatie_van", "kwalificatie_tot")}
    for start, end in (("mandaat_van", "mandaat_tot"), ("kwalificatie_van", "kwalificatie_tot")):
        begins, ends = dates[start], dates[end]
        if begins and ends and ends < begins:
            wrong(end, f"{ends.isoformat()} ligt vóór {start} ({begins.isoformat()}).")
    if dates["kwalificatie_tot"] and not dates["kwalificatie_van"]:
        wrong("kwalificatie_van", "er is een einddatum voor de beroepskwalificatie, maar geen begindatum.")
    wheelchair = cells.get("rolstoeltoegankelijk", "").lower()
    if wheelchair not in _YES | _NO:
        wrong("rolstoeltoegankelijk", f"'{cells['rolstoeltoegankelijk']}' is geen ja of nee.")
    mandate_from = dates["mandaat_van"]
    if problems or email is None or mandate_from is None:
        return None, problems
    return Entry(
        line=line, mandate_number=number, name=name, email=email, phone=phone, office_address=address,
        office_postcode=postcode, modalities=modalities, languages=languages, mandate_valid_from=mandate_from,
        mandate_valid_to=dates["mandaat_tot"], qualification_valid_from=dates["kwalificatie_van"],
        qualification_valid_to=dates["kwalificatie_tot"], wheelchair_access=wheelchair in _YES,
    ), []


def _email(raw: str, wrong: _Wrong) -> str | None:
    if not raw:
        return None
    try:
        # The form only: the register is imported offline, and a mail server that is down today
        # does not make an address wrong.
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        wrong("email", f"'{raw}' is geen e-mailadres.")
        return None


def _phone(raw: str, wrong: _Wrong) -> str | None:
    if not raw:
        return None
    try:
        return normalise_phone(raw)
    except InvalidPhone as error:
        wrong("telefoon", f"'{raw}' is geen telefoonnummer. {error}")
        return None


def _words(raw: str) -> list[str]:
    return [word for word in _LIST_SEPARATORS.split(raw.lower().replace("op locatie", "op_locatie")) if word]


def _modalities(raw: str, wrong: _Wrong) -> frozenset[Modality]:
    found, unknown = set(), []
    for word in _words(raw):
        if word in _MODALITY_WORDS:
            found.add(_MODALITY_WORDS[word])
        else:
            unknown.append(word)
    if unknown:
        wrong("modaliteiten", f"'{', '.join(unknown)}' ken ik niet. Kies uit: op_locatie, online, telefoon.")
    return frozenset(found)


def _languages(raw: str, wrong: _Wrong) -> frozenset[str]:
    found, unknown = set(), []
    for word in _words(raw):
        if len(word) == 2 and _is_language(word):
            found.add(word)
        else:
            unknown.append(word)
    if unknown:
        wrong("talen", f"'{', '.join(unknown)}' is geen taalcode. Gebruik de twee letters van ISO 639-1, "
                       "zoals nl, fr, en.")
    return frozenset(found)


def _is_language(code: str) -> bool:
    try:
        babel.Locale(code)
    except (babel.UnknownLocaleError, ValueError):
        return False
    return True


def _date(column: str, raw: str, wrong: _Wrong) -> dt.date | None:
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    wrong(column, f"'{raw}' is geen datum. Schrijf ze zo: 2027-01-31 of 31/01/2027.")
    return None

