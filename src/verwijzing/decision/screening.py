"""Facts + reference date → decision with reasons: the decision table of domain.md.

Pure functions: no I/O, no clock. Figures and reason texts come from the policy data.

Facts are read lazily, in the order the rules need them. When the decision needs a fact that
is not known, `screen` raises MissingFact naming it; the conversation asks exactly that
question next, so nobody is asked something that cannot change the outcome. A condition whose
fact is unknown is skipped once another condition has already failed (the person is not
eligible either way).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from verwijzing.decision.facts import (
    Facts,
    Hulpvraag,
    MissingFact,
    Opleidingsniveau,
    Regio,
    Route,
    Werkstatus,
)
from verwijzing.nl_be import format_number
from verwijzing.policy import RegimeView, load_policy, regime_at

WORKING = (Werkstatus.WERKNEMER, Werkstatus.ZELFSTANDIGE)
HOME_REGIONS = (Regio.VLAANDEREN, Regio.BRUSSEL)


@dataclass(frozen=True)
class Reason:
    code: str
    uitleg: str
    bron: str
    # True: a condition that is met; False: one that is not (it decided "not eligible");
    # None: information, such as the contribution or why this route.
    voldaan: bool | None = None


@dataclass(frozen=True)
class Decision:
    in_aanmerking: bool
    route: Route
    regime: str
    peildatum: dt.date
    redenen: tuple[Reason, ...]
    bijdrage_per_uur: float | None = None
    bijdrage_per_blok: float | None = None
    bijdrage_volledig_krediet: float | None = None
    resterende_uren: float | None = None
    blok_uren: float | None = None
    krediet_uren: float | None = None
    # True when a figure the decision shows is not settled by any source.
    onder_voorbehoud: bool = False

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["route"] = self.route.value
        data["peildatum"] = self.peildatum.isoformat()
        data["redenen"] = [asdict(r) for r in self.redenen]
        return data


@dataclass
class _Evaluation:
    facts: Facts
    view: RegimeView
    reasons: list[Reason] = field(default_factory=list)
    failed: bool = False
    voorbehoud: bool = False

    def reason(self, code: str, voldaan: bool | None = True, **values: Any) -> None:
        template, source = load_policy().outcome(code)
        texts = {k: format_number(v) if isinstance(v, (int, float)) else v for k, v in values.items()}
        self.reasons.append(Reason(code, template.format(**texts), source, voldaan))

    def info(self, code: str, **values: Any) -> None:
        self.reason(code, voldaan=None, **values)

    def fail(self, code: str, **values: Any) -> None:
        self.failed = True
        self.reason(code, voldaan=False, **values)

    def fact(self, name: str) -> Any:
        """A fact a condition needs; None means: skip, the person already fails elsewhere."""
        value = getattr(self.facts, name)
        if value is None and not self.failed:
            raise MissingFact(name)
        return value


def screen(facts: Facts, day: dt.date, regime: str | None = None) -> Decision:
    view = regime_at(day, regime)
    ev = _Evaluation(facts, view)

    hulpvraag = facts.need("hulpvraag")
    if hulpvraag in (Hulpvraag.BURNOUT, Hulpvraag.THERAPIE):
        ev.fail("geen_loopbaanvraag_zorg")
        return _decision(ev, day, Route.ZORG)
    if hulpvraag is Hulpvraag.BEDRIJFSCOACHING:
        ev.fail("geen_loopbaanvraag_bedrijf")
        return _decision(ev, day, Route.VLAIO)
    werkstatus = facts.need("werkstatus")
    if werkstatus is Werkstatus.WERKZOEKENDE:
        ev.fail("werkzoekend")
        return _decision(ev, day, Route.VDAB_BEMIDDELING)

    _check_werkstatus(ev, werkstatus)
    _check_woonplaats(ev)
    _check_werkervaring(ev)
    resterende_uren = _check_krediet(ev)
    _check_eerder_loopbaancheque(ev)

    if ev.failed:
        return _decision(ev, day, _route_when_not_eligible(ev, werkstatus, hulpvraag), resterende_uren)
    return _eligible_decision(ev, day, werkstatus, hulpvraag, resterende_uren)


def next_missing_fact(facts: Facts, day: dt.date, regime: str | None = None) -> str | None:
    """The fact the decision needs next, or None when it can decide."""
    try:
        screen(facts, day, regime)
    except MissingFact as missing:
        return missing.field
    return None


def _check_werkstatus(ev: _Evaluation, werkstatus: Werkstatus) -> None:
    if werkstatus in WORKING:
        ev.reason("werkt")
    elif werkstatus is Werkstatus.LANGDURIG_ZIEK:
        ev.reason("langdurig_ziek_met_contract")
    else:
        ev.fail("werkt_niet")


def _check_woonplaats(ev: _Evaluation) -> None:
    woonregio = ev.fact("woonregio")
    if woonregio is None:
        return
    if woonregio in HOME_REGIONS:
        ev.reason("woont_in_vlaanderen_of_brussel")
        return
    if woonregio is Regio.EER_BUITENLAND:
        werkregio = ev.fact("werkregio")
        if werkregio in HOME_REGIONS:
            ev.reason("werkt_in_vlaanderen_vanuit_eer")
            return
        if werkregio is None:
            return
    ev.fail("woont_buiten_gebied")


def _check_werkervaring(ev: _Evaluation) -> None:
    jaren = ev.fact("werkervaring_jaren")
    if jaren is None:
        return
    minimum = ev.view.value("minimum_werkervaring_jaren")
    if jaren >= minimum:
        ev.reason("werkervaring_genoeg", jaren=jaren, minimum=minimum)
    else:
        ev.fail("werkervaring_te_kort", jaren=jaren, minimum=minimum)


def _check_krediet(ev: _Evaluation) -> float | None:
    """Credit left for one more block; returns the hours left (None when hours are not the unit)."""
    resterend = None
    krediet_uren = ev.view.value("krediet_uren")
    blok = ev.view.value("blok_uren")
    if krediet_uren is not None:
        gebruikt = ev.fact("eerder_gebruikt_uren")
        if gebruikt is not None:
            resterend = max(0, krediet_uren - gebruikt)
            if blok is not None and resterend < blok:
                ev.fail("krediet_op", uren_over=resterend, blok=blok)
            else:
                ev.reason("krediet_over", uren_over=resterend, krediet_uren=krediet_uren)
    maximum = ev.view.value("maximum_trajecten")
    if maximum is not None:
        gebruikt = ev.fact("eerder_gebruikt_trajecten")
        if gebruikt is not None:
            if gebruikt >= maximum:
                ev.fail("trajecten_op", maximum=maximum)
            else:
                ev.reason("trajecten_over", trajecten_over=maximum - gebruikt)
    return resterend


def _check_eerder_loopbaancheque(ev: _Evaluation) -> None:
    if not ev.view.value("eerder_loopbaancheque_sluit_uit"):
        # No exclusion: that an old cheque does not count is the SERV's demand, said as one.
        if ev.facts.eerder_loopbaancheque:
            ev.info("loopbaancheque_telt_niet")
        return
    eerder = ev.fact("eerder_loopbaancheque")
    if eerder is None:
        return
    if eerder:
        ev.fail("al_loopbaancheque")
    else:
        ev.reason("nooit_loopbaancheque")


def _route_when_not_eligible(ev: _Evaluation, werkstatus: Werkstatus, hulpvraag: Hulpvraag) -> Route:
    if werkstatus is Werkstatus.STUDENT:
        ev.info("student")
        return Route.JONGERENORIENTATIE
    minimum = ev.view.value("minimum_werkervaring_jaren")
    if ev.facts.need("werkervaring_jaren") < minimum:
        grens = ev.view.value("jongeren_leeftijdsgrens")
        if ev.facts.need("leeftijd") < grens:
            ev.info("jong_weinig_werkervaring", grens=grens)
            return Route.JONGERENORIENTATIE
    if hulpvraag is Hulpvraag.OPLEIDING:
        return Route.OPLEIDING
    if werkstatus in WORKING or werkstatus is Werkstatus.LANGDURIG_ZIEK:
        return Route.COMPETENTIECHECK
    return Route.GEEN


def _eligible_decision(
    ev: _Evaluation, day: dt.date, werkstatus: Werkstatus, hulpvraag: Hulpvraag, resterende_uren: float | None
) -> Decision:
    if werkstatus is Werkstatus.LANGDURIG_ZIEK:
        route = Route.TERUG_NAAR_WERK
    elif hulpvraag is Hulpvraag.COMPETENTIES:
        route = Route.COMPETENTIECHECK
    elif hulpvraag is Hulpvraag.OPLEIDING:
        route = Route.OPLEIDING
    else:
        route = Route(ev.view.regime.route)

    view = ev.view
    kort, standaard = view.value("bijdrage_per_uur_kortgeschoold"), view.value("bijdrage_per_uur_standaard")
    blok, krediet_uren = view.value("blok_uren"), view.value("krediet_uren")
    if kort is None or standaard is None or blok is None or krediet_uren is None:
        ev.voorbehoud = True
        ev.info("bijdrage_onder_voorbehoud")
        return _decision(ev, day, route, resterende_uren)

    kortgeschoold = ev.facts.need("opleidingsniveau") is Opleidingsniveau.KORT
    per_uur = kort if kortgeschoold else standaard
    amounts = dict(per_uur=per_uur, blok=blok, per_blok=per_uur * blok, krediet_uren=krediet_uren,
                   totaal=per_uur * krediet_uren)
    ev.info("bijdrage_kortgeschoold" if kortgeschoold else "bijdrage_standaard", **amounts)
    return _decision(ev, day, route, resterende_uren, per_uur=per_uur)


def _decision(
    ev: _Evaluation, day: dt.date, route: Route, resterende_uren: float | None = None, per_uur: float | None = None
) -> Decision:
    blok, krediet_uren = ev.view.value("blok_uren"), ev.view.value("krediet_uren")
    return Decision(
        in_aanmerking=not ev.failed,
        route=route,
        regime=ev.view.name,
        peildatum=day,
        redenen=tuple(ev.reasons),
        bijdrage_per_uur=per_uur,
        bijdrage_per_blok=per_uur * blok if per_uur is not None else None,
        bijdrage_volledig_krediet=per_uur * krediet_uren if per_uur is not None else None,
        resterende_uren=resterende_uren,
        blok_uren=blok,
        krediet_uren=krediet_uren,
        onder_voorbehoud=ev.voorbehoud,
    )
