"""Staff accounts and their sessions (the console under /staff/). Kept apart from models.py:
nothing here is about citizens.

A password is kept only as an argon2id hash; a session only as the SHA-256 of its random token
(a stolen copy of the table opens no session)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from verwijzing.enums import StaffRole
from verwijzing.store.models import Base, _in


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(_in("role", StaffRole), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    # The second factor (RFC 6238 TOTP): its secret sealed with VERWIJZING_CHANNEL_SECRET (a copy of
    # the table opens nothing), set at the first login; and the SHA-256 of the unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(String(300))
    recovery_codes: Mapped[list[str] | None] = mapped_column(JSON)
    # The time step of the last code taken: each code works once (staff/second_factor.take_step).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Role begeleider only: the counsellor of the register this account is (one account each).
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("counsellors.id", ondelete="CASCADE"), unique=True)
    # A consulent who marked themselves "beschikbaar" takes hand-overs until then (handover/duty.py).
    available_until: Mapped[dt.datetime | None]


class StaffInvitation(Base):
    """A one-time link to set an account's first password (counsellors/invitations.py): only the
    SHA-256 of its token is kept, it runs out after a while, and it works once."""

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class LoginThrottle(Base):
    """Failed staff logins in a row for one key (an account from one address, or an address),
    hashed, and the moment before which a next try is refused (verwijzing.staff.accounts)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    not_before: Mapped[dt.datetime]


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    # Ends at the first of: idle too long (last_seen_at) or too old (created_at).
    last_seen_at: Mapped[dt.datetime]
    # Whether the second factor was given: until then the session opens only the second step.
    second_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A new TOTP secret shown at the first login, sealed, until its first code proves it was saved.
    totp_pending: Mapped[str | None] = mapped_column(String(300))
    # Wrong codes in this session: at the limit the session ends.
    code_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
