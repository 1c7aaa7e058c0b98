"""E-mail to counsellors through a transactional outbox, sent at most once.

The SMS outbox's design (verwijzing.notify.sms, whose module doc gives the reasons): `queue_mail`
adds a row in the caller's transaction, so a message exists if and only if what it announces was
committed; `MailDispatcher` (the worker's `mail` job) claims rows (queued → sending, committed),
hands each to a `MailSender` (mail_senders.py: .eml files, or SMTP) and writes the outcome:
- taken → sent (address, body and calendar cleared: an invitation's body holds a one-time link);
- certainly not taken, may work later → queued again after 1, 2, 4, 8, 16 minutes (sms.retry_at),
  failed after the sixth try; refused for good → failed (cleared too);
- anything else → left in "sending" and reported, never sent twice. SMTP has no idempotency
  either: a server may have queued the message before its answer got lost, and a second try is a
  second e-mail (a second invitation, a calendar updated twice). The Message-ID, made when the
  message is queued and the same on every try, finds it in the mail server's log.

Logs and `last_error` never hold an address (`mask_address`, `scrub_addresses`) nor a body.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from email.errors import NonASCIILocalPartDefect
from email.headerregistry import AddressHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.config import ConfigError, Settings
from verwijzing.enums import OutboxStatus
from verwijzing.notify.mail_senders import (
    DeliveryUnknown,
    LocalMailSender,
    MailSender,
    SmtpMailSender,
    mask_address,
)
from verwijzing.notify.senders import SendFailed
from verwijzing.notify.sms import DispatchReport, finish_claimed, retry_at, stuck_rows
from verwijzing.store.mail_models import MailMessage

log = logging.getLogger(__name__)

__all__ = [
    "KEPT", "DeliveryUnknown", "LocalMailSender", "MailDispatcher", "MailSender", "SmtpMailSender", "build_message",
    "forget_mail", "mail_sender_from", "queue_mail",
]

# Sent and failed rows are deleted this long after (worker/retention.py): long enough to answer
# "did the invitation go out?", short enough not to become a list of who was mailed when.
KEPT = dt.timedelta(days=30)
ATTACHMENT = "uitnodiging.ics"
# The iTIP methods (RFC 5546 §1.4): the part's Content-Type repeats the calendar's METHOD.
METHODS = frozenset({"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"})
_METHOD_LINE = re.compile(r"^METHOD:([^\r\n]*)", re.MULTILINE | re.IGNORECASE)
_HEADERS = HeaderRegistry()
SMTP_TIMEOUT = 30.0  # seconds per network step; STUCK_AFTER (5 minutes) is well beyond one try


def queue_mail(
    session: Session,
    *,
    to: str,
    subject: str,
    text: str,
    at: dt.datetime,
    calendar: str | None = None,
    calendar_method: str | None = None,
) -> MailMessage:
    """Add one e-mail to the outbox in the caller's transaction: it goes out only if that commits.
    `calendar`: an iCalendar object whose METHOD is `calendar_method` (REQUEST, CANCEL, …).
    A ValueError (which never repeats the address) for what could not be sent anyway."""
    if len(to) > 254 or not _is_address(to):
        raise ValueError("not one e-mail address")
    if len(subject) > 200 or "\r" in subject or "\n" in subject:
        raise ValueError("a subject is one line of at most 200 characters")
    method = _calendar_method(calendar, calendar_method)
    message = MailMessage(
        created_at=at, to_address=to, subject=subject, body_text=text, calendar=calendar,
        calendar_method=method, status=OutboxStatus.QUEUED.value, attempts=0, message_id=_new_message_id(),
    )
    session.add(message)
    return message


def build_message(row: MailMessage, from_address: str) -> EmailMessage:
    """The message as it goes out: a UTF-8 text, and with a calendar an iMIP message (RFC 6047):
    multipart/alternative of the text and the text/calendar part (mail programs show it as an
    invitation), plus the same calendar as the attachment uitnodiging.ics for those that do not."""
    if not row.to_address or row.body_text is None:
        raise ValueError(f"mail {row.id} has no address or body any more")
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at.astimezone(dt.UTC))
    message["Message-ID"] = row.message_id
    # RFC 3834: written by a program; out-of-office replies and the like should not answer it.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps every line 7-bit: no server needs 8BITMIME for an é.
    message.set_content(row.body_text, charset="utf-8", cte="quoted-printable")
    if row.calendar is not None:
        method = _calendar_method(row.calendar, row.calendar_method)
        message.add_alternative(row.calendar, subtype="calendar", charset="UTF-8", params={"method": method},
                                cte="quoted-printable")
        message.add_attachment(row.calendar.encode(), maintype="application", subtype="ics", filename=ATTACHMENT)
    return message


def mail_sender_from(settings: Settings) -> LocalMailSender | SmtpMailSender:
    """The sender VERWIJZING_MAIL_MODE asks for; smtp mode checks its settings first."""
    if settings.mail_mode == "local":
        return LocalMailSender(settings.mail_dir)
    if not settings.smtp_host:
        raise ConfigError("VERWIJZING_MAIL_MODE=smtp needs SMTP_HOST (see .env.example), "
                          "or set VERWIJZING_MAIL_MODE=local")
    if bool(settings.smtp_username) != bool(settings.smtp_password):
        raise ConfigError("SMTP_USERNAME and SMTP_PASSWORD go together: set both, or neither")
    return SmtpMailSender(settings.smtp_host, settings.smtp_port, settings.smtp_username, settings.smtp_password,
                          starttls=settings.smtp_starttls, timeout=SMTP_TIMEOUT)


def forget_mail(session: Session, now: dt.datetime) -> int:
    """Delete the messages sent or failed for good more than KEPT before `now` (the real clock,
    which the dispatcher writes), in the caller's transaction; how many went."""
    done_at = func.coalesce(MailMessage.sent_at, MailMessage.claimed_at, MailMessage.created_at)
    result = session.execute(
        delete(MailMessage).where(
            MailMessage.status.in_([OutboxStatus.SENT.value, OutboxStatus.FAILED.value]), done_at < now - KEPT,
        ),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount


@dataclass(frozen=True)
class _Claim:
    id: int
    to: str
    message_id: str
    message: EmailMessage
    attempts: int


@dataclass
class MailDispatcher:
    """Drains the mail outbox with one sender, like sms.OutboxDispatcher (one per process: it
    remembers which stuck rows it already reported). The report is sms.py's: `opted_out` stays 0."""

    sessions: sessionmaker[Session]
    sender: MailSender
    from_address: str
    limit: int = 20  # messages per pass at most
    _reported: set[int] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        # Checked once here: a From that does not parse would make every message fail.
        if not _is_address(self.from_address, display_name=True):
            raise ConfigError("VERWIJZING_MAIL_FROM must be one address, like: verwijzing <noreply@example.org>")

    def drain(self, clock: Callable[[], dt.datetime]) -> DispatchReport:
        """Passes until nothing due is left, or until the server failed one: the rest then waits
        for the job's next run instead of each costing a timeout now."""
        total = DispatchReport()
        while True:
            report = self.run_once(clock())
            total += report
            if not report.busy or report.retry_later or report.unknown:
                return total

    def run_once(self, now: dt.datetime) -> DispatchReport:
        """Up to `limit` messages, claimed one at a time. A message the server did not take (down,
        busy, no answer) ends the pass: the others stay queued, untried. An outage then costs one
        timeout per pass rather than one per queued message, and the worker's other jobs (the SMS
        among them) are not held up behind it."""
        counts = {"sent": 0, "retry_later": 0, "failed": 0, "unknown": 0}
        for _ in range(self.limit):
            claim, unbuildable = self._claim_next(now)
            counts["failed"] += unbuildable
            if claim is None:
                break
            outcome = self._deliver(claim, now)
            counts[outcome] += 1
            if outcome in ("retry_later", "unknown"):
                break
        return DispatchReport(**counts, stuck=self._report_stuck(now))

    def _claim_next(self, now: dt.datetime) -> tuple[_Claim | None, int]:
        """The next due row, claimed (sending) and committed before any server is called; and how
        many rows on the way could not be built (failed at once). On PostgreSQL SKIP LOCKED keeps
        two dispatchers off each other's rows; on SQLite the claims take turns."""
        unbuildable = 0
        with self.sessions.begin() as session:
            while True:
                row = session.scalars(
                    select(MailMessage)
                    .where(
                        MailMessage.status == OutboxStatus.QUEUED.value,
                        or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now),
                    )
                    .order_by(MailMessage.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                ).first()
                if row is None:
                    return None, unbuildable
                try:
                    message = build_message(row, self.from_address)
                except ValueError as error:  # only the type: the text might quote a header
                    log.error("mail %s cannot be built (%s): failed", row.id, type(error).__name__)
                    _give_up(row, "cannot be built", now)
                    session.flush()
                    unbuildable += 1
                    continue
                row.status = OutboxStatus.SENDING.value
                row.attempts += 1
                row.claimed_at = now
                return _Claim(row.id, row.to_address or "", row.message_id, message, row.attempts), unbuildable

    def _deliver(self, claim: _Claim, now: dt.datetime) -> str:
        try:
            self.sender.send(claim.message)
        except SendFailed as failure:
            return self._after_failure(claim, failure, now)
        except Exception as error:  # noqa: BLE001 - outcome unknown: leave it, see the module doc
            log.error(
                "mail %s to %s (Message-ID %s): the server's answer is unknown (%s); left in 'sending', not retried",
                claim.id, mask_address(claim.to), claim.message_id, _describe(error),
            )
            return "unknown"
        self._finish(claim.id, status=OutboxStatus.SENT, sent_at=now, last_error=None, next_attempt_at=None,
                     **_CLEARED)
        return "sent"

    def _after_failure(self, claim: _Claim, failure: SendFailed, now: dt.datetime) -> str:
        later = retry_at(claim.attempts, now) if failure.retryable else None
        if later is not None:
            log.warning("mail %s to %s not taken (%s); try %d at %s", claim.id, mask_address(claim.to),
                        failure.reason, claim.attempts + 1, later.isoformat(timespec="seconds"))
            self._finish(claim.id, status=OutboxStatus.QUEUED, next_attempt_at=later, last_error=failure.reason)
            return "retry_later"
        log.warning("mail %s to %s failed for good after %d attempt(s): %s", claim.id, mask_address(claim.to),
                    claim.attempts, failure.reason)
        self._finish(claim.id, status=OutboxStatus.FAILED, next_attempt_at=None, last_error=failure.reason,
                     **_CLEARED)
        return "failed"

    def _finish(self, row_id: int, *, status: OutboxStatus, **values: object) -> None:
        finish_claimed(self.sessions, MailMessage, row_id, status, **values)

    def _report_stuck(self, now: dt.datetime) -> tuple[int, ...]:
        stuck = stuck_rows(self.sessions, MailMessage, MailMessage.message_id, now)
        for row_id, message_id, claimed_at in stuck:
            if row_id in self._reported:
                continue
            self._reported.add(row_id)
            since = claimed_at.isoformat(timespec="seconds") if claimed_at else "unknown"
            log.warning(
                "mail %s (Message-ID %s) is stuck in 'sending' since %s: the mail server may or may not have "
                "it. Look the Message-ID up in the server's log, then set the row to 'sent' or 'queued' by hand.",
                row_id, message_id, since,
            )
        return tuple(row_id for row_id, _, _ in stuck)


# Sent or failed for good: what only delivery needed goes (the calendar may name the attendee).
_CLEARED: dict[str, object] = {"to_address": None, "body_text": None, "calendar": None}


def _give_up(row: MailMessage, reason: str, now: dt.datetime) -> None:
    row.status = OutboxStatus.FAILED.value
    row.last_error = reason
    row.next_attempt_at = None
    row.claimed_at = now  # when it failed: retention counts from here
    row.to_address = row.body_text = row.calendar = None


def _describe(error: BaseException) -> str:
    """An exception for the log: DeliveryUnknown's text holds no address; others only by type."""
    return f"{type(error).__name__}: {error}" if isinstance(error, DeliveryUnknown) else type(error).__name__


def _new_message_id() -> str:
    # Random, so unique without asking anyone; the right-hand side only needs to be ours
    # (RFC 5322 §3.6.4), and a fixed word tells nothing about the machine.
    return f"<{secrets.token_hex(16)}@verwijzing>"


def _is_address(raw: str, *, display_name: bool = False) -> bool:
    """One address without a defect, as the To header will read it (with `display_name`: also
    'Name <address>', as for From), and nothing else."""
    if "\r" in raw or "\n" in raw:
        return False
    header = _HEADERS("To", raw)
    # A non-ASCII local part is no defect for us: it goes out with SMTPUTF8 (RFC 6531).
    defects = [d for d in header.defects if not isinstance(d, NonASCIILocalPartDefect)]
    # Typed as a BaseHeader, which typeshed gives no common subclass with AddressHeader.
    parsed: object = header
    if defects or not isinstance(parsed, AddressHeader) or len(parsed.addresses) != 1:
        return False
    address = parsed.addresses[0]
    return bool(address.username and address.domain and (display_name or not address.display_name))


def _calendar_method(calendar: str | None, method: str | None) -> str | None:
    """The calendar's iTIP method, checked: RFC 6047 wants the part's `method` to be the
    calendar's METHOD, and a mail program ignores an invitation where they differ."""
    if calendar is None:
        if method is not None:
            raise ValueError("a calendar method without a calendar")
        return None
    wanted = (method or "").upper()
    if wanted not in METHODS:
        raise ValueError(f"calendar_method must be one of {', '.join(sorted(METHODS))}")
    found = _METHOD_LINE.search(calendar)
    if found is None or found.group(1).strip().upper() != wanted:
        raise ValueError(f"the calendar's METHOD is not {wanted}")
    return wanted
