"""SMS through a transactional outbox, sent at most once.

Booking code never talks to an SMS provider. It calls `queue_sms` inside its own transaction,
so a message exists if and only if the booking it announces was committed (no SMS about a
booking that rolled back, no booking whose SMS was lost). A dispatcher (`OutboxDispatcher`,
run by `verwijzing sms-dispatch`) later hands queued messages to an `SmsSender`.

Never twice: the dispatcher first *claims* a row (queued → sending) and commits that, and only
then calls the provider; the provider's answer is written in a second transaction:
- accepted → sent (provider id kept, number cleared);
- certainly not sent, may work later (Twilio 429/5xx, connection refused) → queued again, not
  before `next_attempt_at` (1, 2, 4, 8, 16 minutes), failed after MAX_ATTEMPTS;
- refused for good (invalid number, …) → failed;
- anything else (timeout after the request went out, a crash before the answer was written) →
  the row stays "sending" and is only *reported*. Twilio's Messages API has no idempotency key:
  a second POST is a second SMS, and whether the first one got through can only be checked in
  the Twilio console (or by its message list). Sending it again automatically would risk two
  SMS; leaving it may lose one, which a person can see and fix. A booking confirmation is also
  shown in the chat, so one lost SMS harms less than a citizen getting it twice.

Several dispatchers may run: on PostgreSQL each claims with SELECT … FOR UPDATE SKIP LOCKED, so
two never take the same row; on SQLite every write transaction starts with BEGIN IMMEDIATE
(store/engine.py), so claims happen one after the other.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.enums import OutboxStatus
from verwijzing.notify.optout import is_opted_out, phone_key
from verwijzing.notify.phone import mask
from verwijzing.notify.senders import SendFailed, SmsSender
from verwijzing.store.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(minutes=1)
# A claim older than this cannot still be in flight (the Twilio sender times out after 30 s).
STUCK_AFTER = dt.timedelta(minutes=5)
OPT_OUT = "opt-out"


def queue_sms(
    session: Session, *, to: str, body: str, at: dt.datetime, booking_reference: str | None = None
) -> OutboxMessage:
    message = OutboxMessage(
        created_at=at,
        to_number=to,
        body=body,
        status=OutboxStatus.QUEUED.value,
        booking_reference=booking_reference,
        attempts=0,
    )
    session.add(message)
    return message


def retry_at(attempts: int, now: dt.datetime) -> dt.datetime | None:
    """When to try again after the `attempts`-th try failed in a retryable way; None: give up.
    Doubling waits (1, 2, 4, 8, 16 minutes) let a rate limit or an outage at Twilio pass without
    hammering it, and end within about half an hour: a confirmation later than that is stale."""
    if attempts >= MAX_ATTEMPTS:
        return None
    # An int power is typed Any (a negative one is a float); 2 ** 0 … 2 ** 4 here.
    factor: float = 2 ** (attempts - 1)
    return now + FIRST_RETRY * factor


@dataclass(frozen=True)
class DispatchReport:
    """What one pass did, in counts and row ids: never numbers or texts, so it can be logged."""

    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    opted_out: int = 0
    unknown: int = 0  # sender raised something else: left in "sending"
    stuck: tuple[int, ...] = ()  # rows left in "sending" by earlier passes (or other dispatchers)

    @property
    def claimed(self) -> int:
        return self.sent + self.retry_later + self.failed + self.unknown

    @property
    def busy(self) -> bool:
        """True when the pass took rows, so another pass right away may find more."""
        return self.claimed + self.opted_out > 0

    def __add__(self, later: DispatchReport) -> DispatchReport:
        """Two passes together; rows stuck are as the later pass saw them."""
        return DispatchReport(
            sent=self.sent + later.sent, retry_later=self.retry_later + later.retry_later,
            failed=self.failed + later.failed, opted_out=self.opted_out + later.opted_out,
            unknown=self.unknown + later.unknown, stuck=later.stuck,
        )

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "retry_later": self.retry_later, "failed": self.failed,
                "opted_out": self.opted_out, "unknown": self.unknown, "stuck": len(self.stuck)}


@dataclass(frozen=True)
class _Claim:
    id: int
    to: str
    body: str
    attempts: int


@dataclass
class OutboxDispatcher:
    """Drains the outbox with one sender. Keep one per process: it remembers which stuck rows it
    already reported, so a loop does not repeat the same warning every few seconds."""

    sessions: sessionmaker[Session]
    sender: SmsSender
    channel_secret: bytes
    limit: int = 50
    _reported: set[int] = field(default_factory=set, init=False, repr=False)

    def drain(self, clock: Callable[[], dt.datetime]) -> DispatchReport:
        """Passes until nothing due is left (a retry is due a minute later at the earliest, so
        this ends)."""
        total = DispatchReport()
        while True:
            report = self.run_once(clock())
            total += report
            if not report.busy:
                return total

    def run_once(self, now: dt.datetime) -> DispatchReport:
        claims, opted_out = self._claim(now)
        counts = {"sent": 0, "retry_later": 0, "failed": 0, "unknown": 0}
        for claim in claims:
            counts[self._deliver(claim, now)] += 1
        return DispatchReport(**counts, opted_out=opted_out, stuck=self._report_stuck(now))

    def _claim(self, now: dt.datetime) -> tuple[list[_Claim], int]:
        """Take up to `limit` due rows: sending, committed before any provider call. Opted-out
        numbers are checked here, as late as possible before sending, and fail at once."""
        claims: list[_Claim] = []
        opted_out = 0
        with self.sessions.begin() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.status == OutboxStatus.QUEUED.value,
                    or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
                )
                .order_by(OutboxMessage.id)
                .limit(self.limit)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                if not row.to_number:
                    _fail(row, "no phone number")
                    continue
                if is_opted_out(session, phone_key(row.to_number, self.channel_secret)):
                    _fail(row, OPT_OUT)
                    opted_out += 1
                    log.info("SMS %s not sent: %s opted out (STOP)", row.id, mask(row.to_number))
                    row.to_number = None
                    continue
                row.status = OutboxStatus.SENDING.value
                row.attempts += 1
                row.claimed_at = now
                claims.append(_Claim(row.id, row.to_number, row.body, row.attempts))
        return claims, opted_out

    def _deliver(self, claim: _Claim, now: dt.datetime) -> str:
        try:
            provider_id = self.sender.send(claim.to, claim.body)
        except SendFailed as failure:
            return self._after_failure(claim, failure, now)
        except Exception as error:  # noqa: BLE001 - outcome unknown: leave it, see the module doc
            log.error(
                "SMS %s to %s: the provider's answer is unknown (%s); left in 'sending', not retried",
                claim.id, mask(claim.to), type(error).__name__,
            )
            return "unknown"
        self._finish(claim.id, status=OutboxStatus.SENT, sent_at=now, provider_id=provider_id,
                     to_number=None, last_error=None, next_attempt_at=None)
        return "sent"

    def _after_failure(self, claim: _Claim, failure: SendFailed, now: dt.datetime) -> str:
        later = retry_at(claim.attempts, now) if failure.retryable else None
        if later is not None:
            log.warning("SMS %s to %s not taken (%s); try %d at %s", claim.id, mask(claim.to),
                        failure.reason, claim.attempts + 1, later.isoformat(timespec="seconds"))
            self._finish(claim.id, status=OutboxStatus.QUEUED, next_attempt_at=later, last_error=failure.reason)
            return "retry_later"
        log.warning("SMS %s to %s failed for good after %d attempt(s): %s", claim.id, mask(claim.to),
                    claim.attempts, failure.reason)
        self._finish(claim.id, status=OutboxStatus.FAILED, next_attempt_at=None, last_error=failure.reason,
                     to_number=None)
        return "failed"

    def _finish(self, message_id: int, *, status: OutboxStatus, **values: object) -> None:
        finish_claimed(self.sessions, OutboxMessage, message_id, status, **values)

    def _report_stuck(self, now: dt.datetime) -> tuple[int, ...]:
        stuck = stuck_rows(self.sessions, OutboxMessage, OutboxMessage.booking_reference, now)
        for message_id, reference, claimed_at in stuck:
            if message_id in self._reported:
                continue
            self._reported.add(message_id)
            since = claimed_at.isoformat(timespec="seconds") if claimed_at else "unknown"
            log.warning(
                "SMS %s (booking %s) is stuck in 'sending' since %s: the provider may or may not "
                "have it. Check the provider's message log, then set the row to 'sent' or 'queued' by hand.",
                message_id, reference or "-", since,
            )
        return tuple(message_id for message_id, _, _ in stuck)


# ---- shared with the mail outbox (notify/mail.py): the same claim-then-send life of a row ----------

def finish_claimed(sessions: sessionmaker[Session], model: Any, row_id: int, status: OutboxStatus,
                   **values: object) -> None:
    """Write a row's outcome, only if the row is still the one claimed ("sending"). `model`: an
    outbox table, OutboxMessage or MailMessage (both have id, status and claimed_at)."""
    with sessions.begin() as session:
        session.execute(
            update(model).where(model.id == row_id, model.status == OutboxStatus.SENDING.value)
            .values(status=status.value, **values)
        )


def stuck_rows(sessions: sessionmaker[Session], model: Any, label: Any, now: dt.datetime) -> list[Any]:
    """(id, `label`, claimed at) of the rows of `model` left "sending" longer than any send can take."""
    with sessions() as session:
        return list(session.execute(
            select(model.id, label, model.claimed_at)
            .where(model.status == OutboxStatus.SENDING.value,
                   or_(model.claimed_at.is_(None), model.claimed_at <= now - STUCK_AFTER))
            .order_by(model.id)
        ).all())


def _fail(row: OutboxMessage, reason: str) -> None:
    row.status = OutboxStatus.FAILED.value
    row.last_error = reason
    row.next_attempt_at = None
