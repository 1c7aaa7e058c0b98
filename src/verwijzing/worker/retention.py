"""Retention: nothing is kept longer than the policy's bewaartermijn (retention period).

Our tables, once older than the period: bookings (and the slots they were for), referrals, the
audit log and the outbox go. Each person's credit account and the balance of their ledger stay,
folded into one carry-over entry, because the credit is once per career and a career is longer
than the retention period. The account is known only by the keyed hash, never by the number.
Phone numbers go much earlier: as soon as no SMS about the booking can follow any more. E-mails to
counsellors go 30 days after they were sent or failed (their address and body already went then).

Rasa's stored conversations (its tracker store's `events` table on the same database): events
older than the policy's period go, and a conversation with no event for
VERWIJZING_ABANDONED_DAYS days is abandoned and goes whole. Deleting conversations also ends their
transcripts for staff and their place in the dashboard's "started" count: that is what abandoned
means here.

Two clocks: our records carry the stack's reference time (VERWIJZING_PEILDATUM moves it), Rasa's
events carry the real time (float seconds since the epoch), so each is compared with its own.
One transaction under the job's advisory lock; idempotent (a second run finds nothing older).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from sqlalchemy import (
    delete,
    exists,
    func,
    inspect,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

import verwijzing.booking.figures as figures
from verwijzing.counsellors.invitations import forget_invitations
from verwijzing.enums import ACTIVE_STATUSES, CaseStatus, LedgerReason
from verwijzing.handover.queue import forget_cases
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.mail import forget_mail
from verwijzing.privacy.audit import record_audit
from verwijzing.staff.accounts import forget_login_counts
from verwijzing.store.case_models import Case
from verwijzing.store.conversations import EVENTS, RASA_EVENTS, forget_tombstones
from verwijzing.store.models import (
    AuditEntry,
    Booking,
    LedgerEntry,
    OutboxMessage,
    Referral,
    Slot,
)
from verwijzing.store.seen import REMEMBERED, forget_seen
from verwijzing.worker.locks import try_job_lock

NAME = "retention"


@dataclass(frozen=True)
class ConversationCutoffs:
    """Epoch seconds: events before `events_before` go (None: the policy gives no period, keep);
    conversations whose last event is before `abandoned_before` go whole."""

    events_before: float | None
    abandoned_before: float


def conversation_cutoffs(wall_now: dt.datetime, years: int | None, abandoned_days: int) -> ConversationCutoffs:
    return ConversationCutoffs(
        events_before=years_before(wall_now, int(years)).timestamp() if years is not None else None,
        abandoned_before=(wall_now - dt.timedelta(days=abandoned_days)).timestamp(),
    )


def forget_conversations(session: Session, cutoffs: ConversationCutoffs) -> dict[str, int]:
    """Delete Rasa's old events and abandoned conversations, in the caller's transaction."""
    if not inspect(session.connection()).has_table(RASA_EVENTS):
        return {"events_deleted": 0, "conversations_deleted": 0, "conversation_cases_deleted": 0}  # nothing stored yet
    abandoned = (
        select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(func.max(EVENTS.c.timestamp) < cutoffs.abandoned_before)
    )
    conversations = session.scalar(select(func.count()).select_from(abandoned.subquery())) or 0
    # A conversation's case goes with it when nobody asked for a person (those end by forget_cases);
    # also when Rasa never stored the conversation (its first message found Rasa down).
    since = dt.datetime.fromtimestamp(cutoffs.abandoned_before, dt.UTC)
    cases = _count(session.execute(delete(Case).where(
        Case.status == CaseStatus.ASSISTANT.value, Case.asked_at < since,
        ~exists().where(EVENTS.c.sender_id == Case.conversation_id, EVENTS.c.timestamp >= cutoffs.abandoned_before))))
    deleted = _count(session.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(abandoned))))
    if cutoffs.events_before is not None:
        deleted += _count(session.execute(delete(EVENTS).where(EVENTS.c.timestamp < cutoffs.events_before)))
    return {"events_deleted": deleted, "conversations_deleted": conversations, "conversation_cases_deleted": cases}


def run_retention(
    sessions: sessionmaker[Session], now: dt.datetime, wall_now: dt.datetime, abandoned_days: int
) -> dict[str, int]:
    """`now`: the stack's reference time (our records); `wall_now`: the real time (Rasa's events)."""
    with sessions.begin() as session:
        if not try_job_lock(session, NAME):
            return {"skipped": 1}
        report = apply_retention(session, now)
        years = figures.retention_years(now.astimezone(BRUSSELS).date())
        conversations = forget_conversations(session, conversation_cutoffs(wall_now, years, abandoned_days))
        # The gateway dates the webhook ids it saw, and the staff login counts, by the real clock.
        forgotten = forget_seen(session, wall_now - REMEMBERED)
        throttles = forget_login_counts(session, wall_now)
        tombstones = forget_tombstones(session, wall_now)
        # The mail dispatcher writes sent_at by the real clock too.
        mails = forget_mail(session, wall_now)
        # A counsellor's invitation link is of no use a day after it ran out (counsellors/invitations.py).
        invitations = forget_invitations(session, wall_now)
        # Hand-overs are dated by the real clock (people's presence), like Rasa's events.
        cases = forget_cases(session, wall_now, abandoned_days)
    counts = {name: value for name, value in asdict(report).items() if name != "cutoff"}
    return {**counts, **conversations, "webhook_ids_forgotten": forgotten, "login_counts_forgotten": throttles,
            "tombstones_forgotten": tombstones, "mail_deleted": mails, "invitations_forgotten": invitations,
            "cases_deleted": cases}


# ---- our records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionReport:
    cutoff: dt.datetime | None  # None: the policy gives no period, nothing was deleted
    phones_cleared: int = 0
    bookings_deleted: int = 0
    slots_deleted: int = 0
    referrals_deleted: int = 0
    audit_deleted: int = 0
    outbox_deleted: int = 0
    ledger_entries_folded: int = 0


def apply_retention(session: Session, now: dt.datetime) -> RetentionReport:
    """Delete or fold what is older than the retention period in force on `now`'s date.
    Runs in the caller's transaction; the caller commits."""
    phones = _clear_phones(session, now)
    years = figures.retention_years(now.astimezone(BRUSSELS).date())
    if years is None:
        # No source gives a period: deleting is irreversible, keeping is not, so keep.
        report = RetentionReport(cutoff=None, phones_cleared=phones)
    else:
        cutoff = years_before(now, int(years))
        folded = _fold_ledger(session, cutoff)
        old_slot_ids = select(Slot.id).where(Slot.ends_at < cutoff)
        bookings = _count(session.execute(
            delete(Booking).where(Booking.created_at < cutoff, Booking.slot_id.in_(old_slot_ids))
        ))
        slots = _count(session.execute(
            delete(Slot).where(Slot.ends_at < cutoff, not_(exists().where(Booking.slot_id == Slot.id)))
        ))
        report = RetentionReport(
            cutoff=cutoff,
            phones_cleared=phones,
            bookings_deleted=bookings,
            slots_deleted=slots,
            referrals_deleted=_count(session.execute(delete(Referral).where(Referral.created_at < cutoff))),
            audit_deleted=_count(session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff))),
            outbox_deleted=_count(session.execute(delete(OutboxMessage).where(OutboxMessage.created_at < cutoff))),
            ledger_entries_folded=folded,
        )
    # Audited when something was deleted or folded: the worker runs this every hour.
    if any(isinstance(v, int) and v for v in asdict(report).values()):
        detail = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in asdict(report).items()}
        record_audit(session, actor="system", action="retention", detail=detail, at=now)
    return report


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def _clear_phones(session: Session, now: dt.datetime) -> int:
    over = select(Slot.id).where(Slot.ends_at < now)
    return _count(session.execute(
        update(Booking)
        .where(
            Booking.phone.is_not(None),
            or_(Booking.status.not_in([s.value for s in ACTIVE_STATUSES]), Booking.slot_id.in_(over)),
        )
        .values(phone=None),
        execution_options={"synchronize_session": False},
    ))


def _fold_ledger(session: Session, cutoff: dt.datetime) -> int:
    """Replace each person's entries older than `cutoff` by one carry-over with their sum."""
    old = session.scalars(select(LedgerEntry).where(LedgerEntry.created_at < cutoff)).all()
    by_person: dict[str, list[LedgerEntry]] = defaultdict(list)
    for entry in old:
        by_person[entry.citizen_key].append(entry)
    folded = 0
    for key, entries in by_person.items():
        if len(entries) == 1 and entries[0].reason == LedgerReason.CARRY_OVER:
            continue  # already folded on an earlier run
        total = sum(e.minutes for e in entries)
        latest = max(e.created_at for e in entries)
        for entry in entries:
            session.delete(entry)
        # A zero balance needs no entry: the account row alone says the credit was granted.
        if total:
            session.add(LedgerEntry(
                citizen_key=key, minutes=total, booking_reference=None,
                reason=LedgerReason.CARRY_OVER.value, created_at=latest,
            ))
        folded += len(entries)
    session.flush()
    return folded


def _count(result: object) -> int:
    return getattr(result, "rowcount", 0) or 0
