"""The guided intake's test helpers: the console logged in on a reference date, its pages read
as a browser would, the golden cases as a consulent types them, and what the database holds."""
from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from sqlalchemy import select

from tests.rules.golden import golden_cases
from tests.staff.conftest import PEILDATUM
from tests.support.database import valid_insz
from verwijzing.cli import SCREEN_DEFAULTS
from verwijzing.places.postcodes import province_of, region_of
from verwijzing.store import make_sessionmaker
from verwijzing.store.models import (
    AuditEntry,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    Referral,
    Slot,
)

PEPPER = "staff-test-pepper"  # the staff_config fixture's VERWIJZING_INSZ_PEPPER
CITIZEN = valid_insz(dt.date(1985, 7, 30), 33)
TYPED_CITIZEN = f"{CITIZEN[:2]}.{CITIZEN[2:4]}.{CITIZEN[4:6]}-{CITIZEN[6:9]}.{CITIZEN[9:]}"
PHONE = "0470 12 34 56"
# A golden case: werknemer, 12 years, Gent, 41, secondary diploma, a career question.
ELIGIBLE = {"toestemming": "in_persoon", "hulpvraag": "loopbaan", "werkstatus": "werknemer",
            "woonregio": "vlaanderen", "werkervaring_jaren": "12", "leeftijd": "41", "opleidingsniveau": "midden",
            "eerder_loopbaancheque": "nee", "eerder_gebruikt_uren": "0"}
# The console works with the regime in force on its reference date; scenarios are the dashboard's.
CASES = [case for case in golden_cases() if "regime" not in case.input]


# ---- reading the pages -------------------------------------------------------------------------


VOID = {"input", "br", "img", "meta", "link", "hr"}


class Page(HTMLParser):
    """What a consulent sees: the rows of the tables, the dt/dd pairs, hidden and filled fields."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self.facts: dict[str, str] = {}
        self.hidden: dict[str, list[tuple[str, str]]] = {}
        self.radios: dict[str, list[str]] = {}
        self.checked: dict[str, str] = {}
        self.alerts: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._dt: str | None = None
        self._text: list[str] | None = None
        self._alert = 0
        self._form: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = a.get("action")
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("dt", "dd"):
            self._text = []
        elif tag == "input" and a.get("type") == "hidden" and a.get("name") != "csrf":
            self.hidden.setdefault(self._form or "", []).append((a["name"], a.get("value") or ""))
        elif tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a["value"])
            if "checked" in a:
                self.checked[a["name"]] = a["value"]
        if a.get("role") == "alert" or (self._alert and tag not in VOID):
            self._alert += 1
            if a.get("role") == "alert":
                self.alerts.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "dt" and self._text is not None:
            self._dt, self._text = " ".join("".join(self._text).split()), None
        elif tag == "dd" and self._text is not None and self._dt:
            self.facts[self._dt] = " ".join("".join(self._text).split())
            self._text = None
        if self._alert:
            self._alert -= 1

    def handle_data(self, data):
        for collector in (self._cell, self._text):
            if collector is not None:
                collector.append(data)
        if self._alert:
            self.alerts[-1] += data


async def page(client, method: str, path: str, data: dict | list | None = None, status: int = 200) -> str:
    if data is not None:
        data = [*(data.items() if isinstance(data, dict) else data), ("csrf", client.csrf)]
    response = await client.request(method, path, data=data, allow_redirects=False)
    text = await response.text()
    client.pages.append(text)
    assert response.status == status, f"{method} {path}: {response.status}\n{text[:3000]}"
    return text if status != 303 else response.headers["Location"]


def form_of(case_input: dict) -> dict[str, str]:
    """A golden case as a consulent fills in the form (the contract's defaults where the case has none)."""
    values = {**SCREEN_DEFAULTS, **case_input}
    values.pop("eerder_gebruikt_trajecten")
    form = {"toestemming": "telefonisch"}
    for name, value in values.items():
        if isinstance(value, bool):
            form[name] = "ja" if value else "nee"
        elif isinstance(value, float):
            form[name] = str(value).replace(".", ",")  # as typed in Flanders
        else:
            form[name] = str(value)
    return form


def referrals(db) -> list[Referral]:
    with make_sessionmaker(db)() as session:
        return list(session.scalars(select(Referral).order_by(Referral.id)))


def audit(db, action: str) -> list[AuditEntry]:
    with make_sessionmaker(db)() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def add_counsellor(db, *, slots: int = 3, postcode: str = "9000", languages: tuple[str, ...] = ("nl",),
                   wheelchair: bool = False, name: str = "Begeleider Gent") -> list[int]:
    """One counsellor in Gent (all modalities) with `slots` blocks on the day after the reference date."""
    with make_sessionmaker(db).begin() as session:
        counsellor = Counsellor(
            name=name, mandate_valid_from=dt.date(2020, 1, 1), mandate_valid_to=None, wheelchair_access=wheelchair,
            beroepskwalificatie_valid_from=dt.date(2020, 1, 1), beroepskwalificatie_valid_to=None,
            office_postcode=postcode, province=province_of(postcode), region=region_of(postcode),
            modalities=[CounsellorModality(modality=m) for m in ("op_locatie", "online", "telefoon")],
            languages=[CounsellorLanguage(language=code) for code in languages])
        session.add(counsellor)
        day = PEILDATUM + dt.timedelta(days=1)
        brussels = dt.timezone(dt.timedelta(hours=1))  # March: CET
        made = [Slot(counsellor=counsellor, day=day, starts_at=dt.datetime(2027, 3, 2, 9 + 3 * i, tzinfo=brussels),
                     ends_at=dt.datetime(2027, 3, 2, 11 + 3 * i, tzinfo=brussels)) for i in range(slots)]
        session.add_all(made)
        session.flush()
        return [s.id for s in made]


async def refer(client, form: dict = ELIGIBLE, extra: list | None = None, status: int = 303) -> str:
    """Screen, then make the referral from the decision page's own hidden fields."""
    decision = Page(await page(client, "POST", "/staff/intake", form))
    return await page(client, "POST", "/staff/intake/verwijzing",
                      [*decision.hidden["/staff/intake/verwijzing"], *(extra or [])], status=status)
