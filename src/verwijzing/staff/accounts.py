"""Staff accounts: argon2id password hashes, and a lockout after repeated failed logins.

There is no default account: `verwijzing staff add-user NAME --role ROLE` makes one and asks for
the password. A login that fails LOCK_AFTER times in a row locks the account for LOCK_FOR, so a
password cannot be guessed by trying; a successful login resets the count. An unknown login
costs the same hashing time as a known one, so timing does not tell which logins exist.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from verwijzing.enums import StaffRole
from verwijzing.store.staff_models import StaffUser

LOCK_AFTER = 5
LOCK_FOR = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
_LOCKED = (f"Te veel foute pogingen. Probeer het over {LOCK_FOR.seconds // 60} minuten opnieuw, "
           "of vraag een beheerder.")
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")

# argon2-cffi's defaults are argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()
_UNKNOWN_USER_HASH = _hasher.hash("no such user: spend the same time")


class AccountError(ValueError):
    """A plain Dutch message for the person at the keyboard."""


class LoginRefused(AccountError):
    pass


@dataclass(frozen=True)
class StaffMember:
    id: int
    login: str
    role: str

    @property
    def is_beheerder(self) -> bool:
        return self.role == StaffRole.BEHEERDER.value


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Kies een wachtwoord van minstens {MIN_PASSWORD} tekens.")


def add_user(session: Session, login: str, role: str, password: str, now: dt.datetime) -> StaffMember:
    login = login.strip().lower()
    if not _LOGIN.fullmatch(login):
        raise AccountError("Een login heeft 2 tot 80 kleine letters, cijfers, '.', '_' of '-'.")
    if role not in {r.value for r in StaffRole}:
        raise AccountError(f"Rol moet {' of '.join(r.value for r in StaffRole)} zijn.")
    check_new_password(password)
    if session.scalar(select(StaffUser).where(StaffUser.login == login)) is not None:
        raise AccountError(f"Er is al een gebruiker '{login}'.")
    user = StaffUser(login=login, role=role, password_hash=_hasher.hash(password), created_at=now,
                     failed_logins=0, locked_until=None)
    session.add(user)
    session.flush()
    return StaffMember(user.id, user.login, user.role)


def authenticate(session: Session, login: str, password: str, now: dt.datetime) -> StaffMember:
    """The member, or LoginRefused with a message that does not say which part was wrong.
    The caller must commit also when this raises: the failed-login count is the lockout."""
    user = session.scalar(select(StaffUser).where(StaffUser.login == login.strip().lower()).with_for_update())
    if user is None:
        _verify(_UNKNOWN_USER_HASH, password)
        raise LoginRefused("Login of wachtwoord klopt niet.")
    if user.locked_until is not None and user.locked_until > now:
        raise LoginRefused(_LOCKED)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= LOCK_AFTER:
            user.locked_until, user.failed_logins = now + LOCK_FOR, 0
            raise LoginRefused(_LOCKED)
        raise LoginRefused("Login of wachtwoord klopt niet.")
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return StaffMember(user.id, user.login, user.role)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
