"""The guided intake's forms, read without I/O: what a consulent typed → the facts, the override
or the booking request, or plain Dutch messages per field (the form shows them next to the field
and keeps what was typed — never the national number).

Like the chat, the console decides as soon as the rules can: `decide` runs the same rules engine
(`screening.screen`) and, when a fact is missing, names it together with every other empty
intake fact, so the consulent fills them in at once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from verwijzing.booking.matching import ASKABLE_LANGUAGES, DEFAULT_LANGUAGE, language_name
from verwijzing.booking.texts import MODALITY_WORDS
from verwijzing.decision.facts import (
    Facts,
    InvalidFact,
    MissingFact,
    Route,
    parse_facts,
)
from verwijzing.decision.screening import Decision, screen
from verwijzing.enums import Modality
from verwijzing.notify.phone import InvalidPhone, normalise_phone
from verwijzing.privacy.insz import InvalidInsz, normalise_insz
from verwijzing_rasa import pii

# ---- what the form asks, in the contract's values with plain labels ----------------------------

WERKSTATUS = (
    ("werknemer", "Werkt voor een werkgever (werknemer)"),
    ("zelfstandige", "Werkt als zelfstandige"),
    ("werkzoekende", "Zoekt werk (werkzoekende)"),
    ("student", "Student"),
    ("langdurig_ziek", "Langdurig ziek, met een arbeidscontract"),
    ("gepensioneerd", "Met pensioen"),
    ("anders", "Iets anders"),
)
OPLEIDING = (
    ("kort", "Geen diploma secundair onderwijs"),
    ("midden", "Diploma secundair onderwijs"),
    ("hoog", "Diploma hoger onderwijs (hogeschool of universiteit)"),
)
REGIO = (
    ("vlaanderen", "Vlaanderen"),
    ("brussel", "Brussel"),
    ("wallonie", "Wallonië"),
    ("eer_buitenland", "Een ander land van de EER (EU, Noorwegen, IJsland, Liechtenstein)"),
    ("buiten_eer", "Buiten de EER"),
)
HULPVRAAG = (
    ("loopbaan", "Iets anders doen in het werk (loopbaanvraag)"),
    ("competenties", "Weten wat hij of zij goed kan (competenties)"),
    ("orientatie", "Een richting kiezen (oriëntatie)"),
    ("opleiding", "Een opleiding volgen"),
    ("werk_zoeken", "Werk zoeken"),
    ("burnout", "Burn-out of te veel stress"),
    ("therapie", "Psychische hulp (therapie)"),
    ("bedrijfscoaching", "Advies voor de eigen zaak"),
)
JA_NEE = (("nee", "Nee"), ("ja", "Ja"))
CONSENT = (("in_persoon", "In persoon, aan de balie"), ("telefonisch", "Aan de telefoon"))
ROUTES = {
    Route.LOOPBAANKREDIET: "Loopbaankrediet",
    Route.LOOPBAANCHEQUE: "Tijdelijke loopbaancheque",
    Route.COMPETENTIECHECK: "Competentiecheck",
    Route.JONGERENORIENTATIE: "Loopbaanoriëntatie voor jongeren",
    Route.VDAB_BEMIDDELING: "Bemiddeling door VDAB",
    Route.ZORG: "Zorg (huisarts, psycholoog)",
    Route.TERUG_NAAR_WERK: "Terug naar werk (ziekenfonds)",
    Route.VLAIO: "VLAIO: advies voor de eigen zaak",
    Route.OPLEIDING: "Opleiding",
    Route.GEEN: "Geen verwijzing",
}
MODALITIES = tuple((m.value, MODALITY_WORDS[m].capitalize()) for m in Modality)
LANGUAGES = tuple((code, language_name(code).capitalize()) for code in ASKABLE_LANGUAGES)

# The intake slots of contract.md, and how to say that one is missing. Like the chat, the console
# decides as soon as the rules can (a burn-out question needs nothing else); when they cannot, it
# flags the fact the rules need and every other empty one of these at once.
REQUIRED = {
    "hulpvraag": "Kies de hulpvraag.",
    "werkstatus": "Kies de werksituatie.",
    "woonregio": "Kies waar de persoon woont.",
    "werkervaring_jaren": "Vul het aantal jaren werkervaring in.",
    "leeftijd": "Vul de leeftijd in.",
    "opleidingsniveau": "Kies het hoogste diploma.",
}
# Asked only when the rules of the day need them: screen() names the one that is missing.
NEEDED_LATER = {
    "werkregio": "Kies waar de persoon werkt: dat telt voor wie in een ander land van de EER woont.",
    "eerder_loopbaancheque": "Kies of de persoon al een loopbaancheque gebruikte: dat telt onder de "
                             "regeling van vandaag.",
    "eerder_gebruikt_uren": "Vul in hoeveel uur loopbaankrediet de persoon al gebruikte (0 als geen).",
}
FORM_FIELDS = (*Facts.names(), "toestemming")
FORM_ORDER = ("toestemming", "hulpvraag", "werkstatus", "woonregio", "werkregio", "werkervaring_jaren", "leeftijd",
              "opleidingsniveau", "eerder_loopbaancheque", "eerder_gebruikt_uren", "eerder_gebruikt_trajecten")
# The contract's defaults (`verwijzing screen`) for what the form does not ask.
DEFAULTS = {"eerder_gebruikt_trajecten": 0}
MIN_REASON = 20
MAX_REASON = 1000
MAX_AGE, MAX_YEARS, MAX_HOURS = 120, 80, 1000


# ---- reading the forms (pure) ------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeForm:
    """What the consulent typed (`values`, to show again), and either the facts or the problems."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    facts: Facts | None = None
    consent: str | None = None


def _number(raw: str, *, whole: bool) -> float | int | None:
    text = raw.strip().replace(",", ".")
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if not whole and float(value).is_integer() else value


def read_intake(form: Mapping[str, Any]) -> IntakeForm:
    values = {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}
    errors: dict[str, str] = {}
    data: dict[str, Any] = dict(DEFAULTS)
    for name, options in (("werkstatus", WERKSTATUS), ("opleidingsniveau", OPLEIDING), ("woonregio", REGIO),
                          ("werkregio", REGIO), ("hulpvraag", HULPVRAAG)):
        if values[name]:
            if values[name] in dict(options):
                data[name] = values[name]
            else:
                errors[name] = "Kies een van de mogelijkheden."
    for name, whole, largest, message in (
        ("leeftijd", True, MAX_AGE, "Vul de leeftijd in als een getal in jaren, bijvoorbeeld 41."),
        ("werkervaring_jaren", False, MAX_YEARS,
         "Vul de werkervaring in als een getal in jaren, bijvoorbeeld 7 of 7,5."),
        ("eerder_gebruikt_uren", False, MAX_HOURS, "Vul de gebruikte uren in als een getal, bijvoorbeeld 0 of 2."),
    ):
        if values[name]:
            number = _number(values[name], whole=whole)
            if number is None or not 0 <= number <= largest:
                errors[name] = message
            else:
                data[name] = number
    if values["eerder_loopbaancheque"]:
        if values["eerder_loopbaancheque"] in dict(JA_NEE):
            data["eerder_loopbaancheque"] = values["eerder_loopbaancheque"] == "ja"
        else:
            errors["eerder_loopbaancheque"] = "Kies ja of nee."
    if "leeftijd" in data and "werkervaring_jaren" in data and data["werkervaring_jaren"] > data["leeftijd"]:
        errors["werkervaring_jaren"] = "De werkervaring kan niet langer zijn dan de leeftijd. Kijk beide na."
    if values["toestemming"] not in dict(CONSENT):
        errors["toestemming"] = "Kies hoe de persoon toestemming gaf. Zonder toestemming kan je niet verder."
    facts = None
    if not errors.keys() - {"toestemming"}:
        try:
            facts = parse_facts(data)
        except InvalidFact as bad:  # the checks above should make this unreachable; never a 500
            errors[bad.field] = "Kies een van de mogelijkheden."
    return IntakeForm(values, _in_form_order(errors), facts, None if errors else values["toestemming"])


def _in_form_order(errors: dict[str, str]) -> dict[str, str]:
    return {name: errors[name] for name in FORM_ORDER if name in errors}


def decide(intake: IntakeForm, day: dt.date) -> tuple[IntakeForm, Decision | None]:
    """The rules engine's decision, or the form again with every problem: what was typed wrong,
    the fact the rules still need, and the other empty intake facts."""
    errors = dict(intake.errors)
    decision = None
    if intake.facts is not None:
        try:
            decision = screen(intake.facts, day)
        except MissingFact as missing:
            errors[missing.field] = NEEDED_LATER.get(missing.field) or REQUIRED.get(missing.field) or "Vul dit nog in."
            errors |= {name: message for name, message in REQUIRED.items() if not intake.values[name]}
    if errors or decision is None:
        return IntakeForm(intake.values, _in_form_order(errors) or {"hulpvraag": REQUIRED["hulpvraag"]}), None
    return intake, decision


@dataclass(frozen=True)
class Override:
    route: Route
    reason: str


def read_override(form: Mapping[str, Any], decided: Route) -> tuple[Override | None, str | None]:
    """Another route than the rules gave, only with a written reason. (override, error)."""
    chosen = str(form.get("andere_route") or "").strip()
    # Control characters (a NUL from a pasted text) are no part of a reason.
    reason = " ".join("".join(c for c in str(form.get("reden") or "") if c.isprintable() or c.isspace()).split())
    if not chosen or chosen == decided.value:
        return None, None
    try:
        route = Route(chosen)
    except ValueError:
        return None, "Kies een route uit de lijst."
    if len(reason) < MIN_REASON:
        return None, (f"Je kiest een andere route dan de regels. Schrijf waarom, in minstens {MIN_REASON} tekens. "
                      f"Nu zijn het er {len(reason)}.")
    if len(reason) > MAX_REASON:
        return None, f"Schrijf de reden korter: hoogstens {MAX_REASON} tekens."
    # Free text may carry a national or phone number by mistake: it is never kept as typed.
    return Override(route, pii.redact(reason)), None


@dataclass(frozen=True)
class BookingForm:
    values: dict[str, str]  # what to show again: never the national number
    errors: dict[str, str] = field(default_factory=dict)
    slot_id: int | None = None
    insz: str | None = None
    phone: str | None = None


def read_search(query: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The booking page's search: how they meet, (for an office) near which postcode and whether
    it must be reachable in a wheelchair, and in which language."""
    values = {"modaliteit": str(query.get("modaliteit") or "").strip(),
              "postcode": str(query.get("postcode") or "").strip(),
              "taal": str(query.get("taal") or DEFAULT_LANGUAGE).strip(),
              "rolstoel": "ja" if str(query.get("rolstoel") or "") == "ja" else ""}
    errors: dict[str, str] = {}
    if values["taal"] not in dict(LANGUAGES):
        errors["taal"] = "Kies een taal uit de lijst."
    if values["modaliteit"] and values["modaliteit"] not in dict(MODALITIES):
        errors["modaliteit"] = "Kies hoe de persoon de begeleider wil spreken."
    elif values["modaliteit"] == Modality.OP_LOCATIE and not values["postcode"]:
        errors["postcode"] = "Vul de postcode van de persoon in: dan zoek ik een kantoor in de buurt."
    elif values["postcode"] and not (values["postcode"].isascii() and values["postcode"].isdigit()
                                     and len(values["postcode"]) == 4):
        errors["postcode"] = "Een Belgische postcode heeft 4 cijfers, bijvoorbeeld 9000."
    return values, errors


def read_booking(form: Mapping[str, Any]) -> BookingForm:
    values, errors = read_search(form)
    if not values["modaliteit"]:
        errors["modaliteit"] = "Kies hoe de persoon de begeleider wil spreken."
    values["telefoon"] = str(form.get("telefoon") or "").strip()
    slot = str(form.get("moment") or "").strip()
    slot_id = int(slot) if slot.isascii() and slot.isdigit() and len(slot) <= 9 else None
    if slot_id is None:
        errors["moment"] = "Kies een moment."
    insz = None
    try:
        insz = normalise_insz(str(form.get("rijksregisternummer") or ""))
    except InvalidInsz as bad:
        errors["rijksregisternummer"] = _about_the_person(bad.reason)
    phone = None
    if values["telefoon"]:
        try:
            phone = normalise_phone(values["telefoon"])
        except InvalidPhone as bad:
            errors["telefoon"] = _about_the_person(str(bad))
    if errors:
        return BookingForm(values, errors)
    return BookingForm(values, slot_id=slot_id, insz=insz, phone=phone)


def _about_the_person(reason: str) -> str:
    """The readers speak to the citizen ("je nummer"); on the console the number is theirs."""
    return reason.replace("Je hebt", "Er is").replace("je rijksregisternummer", "het rijksregisternummer") \
        .replace("je nummer", "het nummer").replace("Geef je", "Geef het")
