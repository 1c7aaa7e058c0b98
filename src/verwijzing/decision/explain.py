"""A decision in plain Dutch, in at most three messages: the outcome and why; what it costs and
why (only for the credit routes); the next step.

Used by the chat actions, and later by the SMS/voice gateway and the staff console, so the
same decision always reads the same way. Texts come from content/explain.yaml and the policy's
rule texts; figures from the policy of the decision's day. The sources of the rules stay in the
decision's `redenen` (for staff and `verwijzing screen`); a citizen gets one plain link instead.

A message that rests on a proposal (the loopbaankrediet before its decree is published, the
SERV's demands) ends with the policy's plain reserve sentence (Policy.with_reserve), once per
decision: the three messages are read together.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from verwijzing.content import load
from verwijzing.decision.facts import Route
from verwijzing.decision.screening import Decision
from verwijzing.nl_be import date_words, format_number
from verwijzing.policy import CREDIT_REGIME, Regime, load_policy, regime_at

# Routes where the person uses the credit (or the transitional cheque) itself: these show the
# cost, and the next step comes with the booking offer.
CREDIT_ROUTES = frozenset({Route.LOOPBAANKREDIET, Route.LOOPBAANCHEQUE})
# Routes decided before any condition of the regime is checked: the regime does not matter.
REGIME_FREE_ROUTES = frozenset({Route.ZORG, Route.VLAIO, Route.VDAB_BEMIDDELING})
# Reasons that say why this route (not a condition): they belong to "why".
ROUTE_REASONS = ("student", "jong_weinig_werkervaring")
# Reasons said whatever else is said, with the policy item they rest on.
SAID_REASONS = {"loopbaancheque_telt_niet": "eerder_loopbaancheque_telt_niet"}
WALLONIA = "wallonie"
# Next steps that are the same wherever one lives (a GP; business advice is asked by route).
REGION_FREE_ROUTES = frozenset({Route.ZORG, Route.VLAIO})


@dataclass(frozen=True)
class Explanation:
    uitkomst: str
    kosten: str | None
    volgende_stap: str

    @property
    def messages(self) -> list[str]:
        return [m for m in (self.uitkomst, self.kosten, self.volgende_stap) if m]


def content() -> dict[str, Any]:
    return load("explain")


def text_of(entry: Any) -> str:
    """A content entry is a string, or a mapping with `tekst` (and `over`, `regime`)."""
    text: str = entry["tekst"] if isinstance(entry, dict) else entry
    return text


def over(entry: Any) -> tuple[str, ...]:
    """The policy items a content entry declares it speaks about."""
    return tuple(entry.get("over") or ()) if isinstance(entry, dict) else ()


def explain_decision(decision: Decision, woonregio: str | None = None) -> Explanation:
    """The decision as the person reads it. `woonregio` (the contract value, when known) picks
    the service of the person's own region as the next step."""
    day = decision.peildatum
    said: list[str] = []  # the reserve sentences said so far: once per decision is enough

    def reserved(text: str, items: tuple[str, ...]) -> str:
        policy = load_policy()
        if policy.says_reserve(text):
            return text
        new = [sentence for sentence in policy.reserve_sentences(items, day) if sentence not in said]
        said.extend(new)
        return " ".join([text, *new])

    outcome = reserved(*_outcome(decision))
    cost = reserved(*_cost(decision)) if decision.in_aanmerking and decision.route in CREDIT_ROUTES else None
    step, step_over = _next_step(decision.route, woonregio)
    return Explanation(uitkomst=outcome, kosten=cost, volgende_stap=reserved(step, step_over))


def next_step(route: Route | str, woonregio: str | None, day: dt.date) -> str:
    """Where to go now, as said on its own (with its reserve when it rests on a proposal)."""
    text, items = _next_step(route, woonregio)
    return load_policy().with_reserve(text, items, day)


def _next_step(route: Route | str, woonregio: str | None) -> tuple[str, tuple[str, ...]]:
    """Where to go now. Someone living in Wallonia gets Le Forem (or ADG), not a Flemish service
    — except for care and business advice, which do not depend on the region."""
    steps = content()["volgende_stap"]
    route = Route(route)
    if woonregio == WALLONIA and route not in REGION_FREE_ROUTES:
        return text_of(steps["wallonie"]), over(steps["wallonie"])
    return text_of(steps[route.value]), over(steps[route.value])


def booking_offer(day: dt.date, again: bool = False, moments: str | None = None) -> str:
    """The question that offers a first block; its length only when the policy of the day gives
    one. `again`: the offer once more after a question in between, said more briefly. `moments`:
    the numbered free moments to choose from right away."""
    offer = content()["aanbod"]
    if again:
        return text_of(offer["opnieuw"])
    blok = regime_at(day).value("blok_uren")
    if moments:
        lead = text_of(offer["momenten_zonder_uren"]) if blok is None else \
            text_of(offer["met_momenten"]).format(blok=format_number(blok))
        return f"{lead}\n{moments}\n{text_of(offer['kies_moment'])}"
    if blok is None:
        return text_of(offer["zonder_uren"])
    return text_of(offer["met_uren"]).format(blok=format_number(blok))


def _outcome(decision: Decision) -> tuple[str, tuple[str, ...]]:
    """Headline, then why in one or two sentences, the regime when it decided, and one link;
    with the policy items it rests on (the regime, unless the route did not depend on it)."""
    regime = load_policy().regimes[decision.regime]
    failed = [r for r in decision.redenen if r.voldaan is False]
    route_reasons = [r for r in decision.redenen if r.code in ROUTE_REASONS]
    if failed:
        why = failed[: 2 - len(route_reasons[:1])] + route_reasons[:1]
    else:
        met = [r for r in decision.redenen if r.voldaan]
        why = [r for r in met if r.code.startswith("werkervaring")] or met[:1]
    headline, items = _headline(decision, regime.route)
    said = [r for r in decision.redenen if r.code in SAID_REASONS]
    parts = [headline, *(r.uitleg for r in why + said)]
    items = (*items, *(SAID_REASONS[r.code] for r in said))
    if decision.route not in REGIME_FREE_ROUTES:
        items = (*items, regime.name, *regime.over)
    # A regime that ends soon says so (the credit routes with the cost, the others here); a
    # scenario always says that it is one.
    if regime.scenario or (_temporary(regime) and decision.route not in REGIME_FREE_ROUTES | CREDIT_ROUTES):
        parts.append(regime.uitleg)
    parts.append(content()["meer_uitleg"])
    return " ".join(parts), items


def _temporary(regime: Regime) -> bool:
    """A dated regime with an end (the transitional cheque): the person should know that the
    rules change then. The regime in force for good needs no line: the headline names it."""
    return not regime.scenario and regime.end is not None


def _headline(decision: Decision, regime_route: str) -> tuple[str, tuple[str, ...]]:
    kop = content()["kop"]
    if decision.in_aanmerking:
        entry = kop["in_aanmerking"][decision.route.value]
        return text_of(entry), over(entry)
    per_route = kop["niet_in_aanmerking"]
    entry = per_route.get(decision.route.value, per_route["default"])
    return text_of(entry).format(regeling=content()["regeling"][regime_route]), over(entry)


def _cost(decision: Decision) -> tuple[str, tuple[str, ...]]:
    """The sociale correctie and what this person pays, with the regime it comes from; with the
    policy items it rests on."""
    texts = content()["kosten"]
    regime = load_policy().regimes[decision.regime]
    parts = [regime.uitleg] if _temporary(regime) else []
    items: list[str] = [*((regime.name, *regime.over) if _temporary(regime) else ())]
    if decision.bijdrage_per_uur is None and not _temporary(regime):
        return text_of(texts["onbekend"]), over(texts["onbekend"])
    if decision.bijdrage_per_uur is None:
        # The transitional cheque: its cost is in no source; what the credit plans, said as a plan.
        credit = regime_at(decision.peildatum, CREDIT_REGIME)
        parts.append(text_of(texts["onbekend_overgang"]))
        kort, standaard = credit.value("bijdrage_per_uur_kortgeschoold"), credit.value("bijdrage_per_uur_standaard")
        if kort is not None and standaard is not None:
            start = load_policy().regimes[CREDIT_REGIME].first_day()
            parts.append(text_of(texts["gepland"]).format(
                krediet_start=date_words(start), kort=format_number(kort), standaard=format_number(standaard)))
            items += over(texts["gepland"])
        return " ".join(parts), tuple(items)
    view = regime_at(decision.peildatum, decision.regime)
    kort, standaard = view.value("bijdrage_per_uur_kortgeschoold"), view.value("bijdrage_per_uur_standaard")
    per_uur = decision.bijdrage_per_uur
    per_blok, blok, totaal = decision.bijdrage_per_blok, decision.blok_uren, decision.bijdrage_volledig_krediet
    krediet_uren = decision.krediet_uren
    if per_blok is None or blok is None or totaal is None or krediet_uren is None:
        # screening gives a contribution only with the block and credit figures it is made of.
        raise ValueError(f"decision with bijdrage_per_uur {per_uur} lacks the block or credit figures")
    parts.append(text_of(texts["sociale_correctie"]).format(kort=format_number(kort),
                                                            standaard=format_number(standaard)))
    kortgeschoold = any(r.code == "bijdrage_kortgeschoold" for r in decision.redenen)
    own = texts["kortgeschoold"] if kortgeschoold else texts["standaard"]
    parts.append(text_of(own).format(
        per_uur=format_number(per_uur), per_blok=format_number(per_blok),
        blok=format_number(blok), totaal=format_number(totaal),
        krediet_uren=format_number(krediet_uren)))
    items += [*over(texts["sociale_correctie"]), *over(own), regime.name]
    rest = decision.resterende_uren
    if rest is not None and rest < krediet_uren:
        parts.append(text_of(texts["rest"]).format(rest=format_number(rest), rest_totaal=format_number(rest * per_uur)))
    return " ".join(parts), tuple(items)
