"""Every decision becomes a referral: what is kept of it, and writing it.

A referral is kept so that staff can follow up (list, detail, transcript), managers can see who
the credit reaches (the dashboard), and a scenario can screen the recorded intakes again. That
decides what is kept, and nothing more:

- the route, regime and outcome, and the decision snapshot (reasons with their sources);
- the screening facts the rules read (`KEPT_FACTS`), with their exact values: the age in years
  and not only a band, because the rules compare it with a policy figure
  (`jongeren_leeftijdsgrens`) that a scenario may move, and a band could fall across it; the
  dashboard makes its bands from the age;
- the channel, and the Rasa conversation id (a random or keyed-hash id, never a phone number),
  the way to the transcript;
- for staff referrals: who, how the citizen consented, and the override with its reason.

Never a name, national number, phone number or anything the person typed: the facts are
contract values (enums, numbers, booleans), not text. The override's reason is written by the
consulent; numbers that look like a national or phone number are redacted from it all the same.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from verwijzing.decision.facts import Facts, InvalidFact, Route, parse_facts
from verwijzing.decision.screening import Decision
from verwijzing.enums import BookingStatus, Channel, Consent
from verwijzing.store.models import Referral
from verwijzing_rasa.pii import redact

# The facts the rules read (verwijzing.decision.screening), and so the facts a re-screening needs.
KEPT_FACTS = ("hulpvraag", "werkstatus", "werkervaring_jaren", "opleidingsniveau", "woonregio", "werkregio",
              "leeftijd", "eerder_loopbaancheque", "eerder_gebruikt_uren", "eerder_gebruikt_trajecten")
# What the snapshot keeps of a decision (contract.md's output, plus the figures the texts used).
SNAPSHOT_FIELDS = ("in_aanmerking", "route", "regime", "peildatum", "redenen", "bijdrage_per_uur",
                   "bijdrage_per_blok", "bijdrage_volledig_krediet", "resterende_uren", "blok_uren",
                   "krediet_uren", "onder_voorbehoud")
REASON_FIELDS = ("code", "uitleg", "bron", "voldaan")
# Long enough for a justification, short enough that it stays one.
MAX_OVERRIDE_REASON = 1000


class ReferralError(ValueError):
    """A referral that cannot be recorded as given; the message is plain Dutch for staff."""


# ---- the pure part ---------------------------------------------------------------------------


def kept_facts(facts: Facts | Mapping[str, Any]) -> dict[str, Any]:
    """The screening facts as contract values, unknown ones left out. A mapping is read with
    the contract's parser, so a bad value is refused here as it would be by the rules."""
    parsed = facts if isinstance(facts, Facts) else parse_facts(facts)
    kept: dict[str, Any] = {}
    for name in KEPT_FACTS:
        value = getattr(parsed, name)
        if value is not None:
            kept[name] = value.value if isinstance(value, Enum) else value
    return kept


def decision_snapshot(decision: Decision | Mapping[str, Any]) -> dict[str, Any]:
    """The decision as it was made, JSON-ready: the outcome, figures and reasons with sources."""
    data = decision.as_dict() if isinstance(decision, Decision) else dict(decision)
    for required in ("in_aanmerking", "route", "regime"):
        if data.get(required) is None:
            raise ReferralError(f"De beslissing mist '{required}'.")
    snapshot = {name: data.get(name) for name in SNAPSHOT_FIELDS if name in data}
    snapshot["route"] = Route(data["route"]).value
    snapshot["in_aanmerking"] = bool(data["in_aanmerking"])
    if isinstance(peildatum := snapshot.get("peildatum"), dt.date):
        snapshot["peildatum"] = peildatum.isoformat()
    snapshot["redenen"] = [
        {name: reason.get(name) for name in REASON_FIELDS}
        for reason in data.get("redenen") or [] if isinstance(reason, Mapping)
    ]
    return snapshot


@dataclass(frozen=True)
class Override:
    """A consulent's choice of another route than the decision's, with the written reason."""

    route: Route
    reden: str

    def as_dict(self, original_route: str) -> dict[str, str]:
        return {"route": self.route.value, "reden": self.reden, "oorspronkelijke_route": original_route}


def parse_override(raw: Override | Mapping[str, Any] | None) -> Override | None:
    if raw is None or isinstance(raw, Override):
        return raw
    try:
        route = Route(str(raw.get("route") or ""))
    except ValueError:
        raise ReferralError("Kies een geldige route om de beslissing te wijzigen.") from None
    reden = redact(" ".join(str(raw.get("reden") or "").split()))
    if not reden:
        raise ReferralError("Schrijf waarom je de beslissing wijzigt.")
    if len(reden) > MAX_OVERRIDE_REASON:
        raise ReferralError(f"De reden is te lang: hoogstens {MAX_OVERRIDE_REASON} tekens.")
    return Override(route, reden)


def referral_fields(
    *,
    decision: Decision | Mapping[str, Any],
    facts: Facts | Mapping[str, Any],
    channel: Channel | str,
    conversation_id: str | None = None,
    staff_member: str | None = None,
    consent: Consent | str | None = None,
    override: Override | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of a referral, checked: a staff referral names the consulent and how the
    citizen consented; consent and override exist only for staff referrals."""
    try:
        channel = Channel(channel)
    except ValueError:
        raise ReferralError(f"Onbekend kanaal: {channel!r}.") from None
    snapshot = decision_snapshot(decision)
    try:
        facts_kept = kept_facts(facts)
    except InvalidFact as exc:
        raise ReferralError(f"Ongeldig gegeven: {exc.field}.") from None
    chosen = parse_override(override)
    if channel is Channel.STAFF:
        if not staff_member:
            raise ReferralError("Een verwijzing door een consulent noemt die consulent.")
        try:
            consent = Consent(consent or "")
        except ValueError:
            raise ReferralError("Duid aan hoe de burger toestemming gaf: in persoon of telefonisch.") from None
    elif consent is not None or chosen is not None or staff_member is not None:
        raise ReferralError("Toestemming, een wijziging en een consulent horen alleen bij een verwijzing door VDAB.")
    return {
        "route": chosen.route.value if chosen else snapshot["route"],
        "regime": str(snapshot["regime"]),
        "in_aanmerking": snapshot["in_aanmerking"],
        "channel": channel.value,
        "conversation_id": conversation_id or None,
        "staff_member": staff_member,
        "consent": consent.value if isinstance(consent, Consent) else None,
        "override": chosen.as_dict(snapshot["route"]) if chosen else None,
        "facts": facts_kept,
        "decision": snapshot,
    }


# The status a referral has in the list: what happened after the decision, from its booking.
STATUSES = {
    "in_aanmerking": "in aanmerking",
    "niet": "niet in aanmerking",
    "geboekt": "geboekt",
    "bijgewoond": "bijgewoond",
    "geannuleerd": "geannuleerd",
}
BOOKING_STATUSES = {
    BookingStatus.CONFIRMED.value: "geboekt",
    BookingStatus.ATTENDED.value: "bijgewoond",
    BookingStatus.CANCELLED.value: "geannuleerd",
}


def status_of(in_aanmerking: bool, booking_status: str | None) -> str:
    """The furthest step: a booking's state when there is one, else the rules' outcome. A
    booking deleted by the retention sweep leaves the outcome."""
    if booking_status in BOOKING_STATUSES:
        return BOOKING_STATUSES[booking_status]
    return "in_aanmerking" if in_aanmerking else "niet"


# ---- writing ---------------------------------------------------------------------------------


def record_decision(
    session: Session,
    *,
    decision: Decision | Mapping[str, Any],
    facts: Facts | Mapping[str, Any],
    channel: Channel | str,
    at: dt.datetime,
    conversation_id: str | None = None,
    staff_member: str | None = None,
    consent: Consent | str | None = None,
    override: Override | Mapping[str, Any] | None = None,
) -> Referral:
    """Add one referral for one decision, in the caller's transaction (the caller commits).
    Raises ReferralError, with a plain Dutch message, for what cannot be recorded as given."""
    fields = referral_fields(decision=decision, facts=facts, channel=channel, conversation_id=conversation_id,
                             staff_member=staff_member, consent=consent, override=override)
    referral = Referral(created_at=at, **fields)
    session.add(referral)
    session.flush()  # the id, for the caller's link to the booking and the audit entry
    return referral


class AlreadyBooked(ReferralError):
    """The referral has another booking already: one referral, one booking."""


def attach_booking(session: Session, referral_id: int, reference: str) -> Referral | None:
    """The booking made for this referral (the staff console books right after referring).

    One referral, one booking: the link is set only where none is (one conditional UPDATE, so two
    forms sent at once cannot both win), and a second, different booking raises AlreadyBooked for
    the caller to roll its whole booking back."""
    done = session.execute(
        update(Referral)
        .where(Referral.id == referral_id,
               or_(Referral.booking_reference.is_(None), Referral.booking_reference == reference))
        .values(booking_reference=reference),
        execution_options={"synchronize_session": False},
    )
    referral = session.get(Referral, referral_id)
    if referral is not None and not getattr(done, "rowcount", 0):
        raise AlreadyBooked("Voor deze verwijzing is al een afspraak gemaakt.")
    if referral is not None:
        session.refresh(referral)
    return referral


def attach_booking_to_conversation(session: Session, conversation_id: str, reference: str) -> Referral | None:
    """A booking confirmed in a conversation belongs to that conversation's latest decision.
    A referral keeps the first block booked after it: a later one (another block of the same
    credit) does not replace it. None when the conversation has no referral without a booking."""
    latest = session.scalars(
        select(Referral).where(Referral.conversation_id == conversation_id)
        .order_by(Referral.created_at.desc(), Referral.id.desc()).limit(1)
    ).first()
    if latest is None or latest.booking_reference not in (None, reference):
        return None
    latest.booking_reference = reference
    return latest
