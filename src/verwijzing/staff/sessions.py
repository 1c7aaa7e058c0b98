"""Staff sessions: a random token in the cookie, only its SHA-256 in the database.

A session ends after IDLE without a request, and at the latest after MAX_AGE (a working day).
The CSRF token of a session is derived from its token (HMAC), so it needs no storage and
changes with every login."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from verwijzing.staff.accounts import StaffMember
from verwijzing.store.staff_models import StaffSession, StaffUser

IDLE = dt.timedelta(minutes=30)
MAX_AGE = dt.timedelta(hours=9)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, member: StaffMember, now: dt.datetime, *, second_factor: bool) -> str:
    """A new session; without `second_factor` it opens only the second step (its setup)."""
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=_digest(token), user_id=member.id, created_at=now, last_seen_at=now,
                             second_factor=second_factor, code_tries=0))
    # A login is a good moment to forget this member's sessions that have ended.
    session.execute(delete(StaffSession).where(StaffSession.user_id == member.id,
                                               StaffSession.last_seen_at < now - IDLE))
    return token


def resume(session: Session, token: str | None, now: dt.datetime) -> tuple[StaffMember, bool] | None:
    """The member of a live session (its idle clock restarts) and whether the session has its
    second factor (without it, it may open only the second factor's setup); or None. A session
    still without one ends once the account has a second factor (set up in another session):
    someone who only knew the password must not replace it."""
    if not token:
        return None
    row = session.execute(
        select(StaffSession, StaffUser).join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    live, user = row
    if now - live.last_seen_at > IDLE or now - live.created_at > MAX_AGE or (
            not live.second_factor and user.totp_secret):
        session.delete(live)
        return None
    live.last_seen_at = now
    return StaffMember.of(user), live.second_factor


def live(session: Session, token: str | None) -> StaffSession | None:
    if not token:
        return None
    found: StaffSession | None = session.scalar(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
    return found


def close_half_sessions(session: Session, user_id: int) -> None:
    """End the member's sessions that have no second factor (once it is set up)."""
    session.execute(delete(StaffSession).where(StaffSession.user_id == user_id, StaffSession.second_factor.is_(False)))


def close(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"csrf", hashlib.sha256).hexdigest()


def csrf_ok(session_token: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(session_token), sent or "")
