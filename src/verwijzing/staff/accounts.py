"""Staff accounts: argon2id password hashes, and throttling that no one can turn into a lockout.

There is no default account: `verwijzing staff add-user NAME --role ROLE` makes one and asks for
the password. Failed logins slow down further tries with growing delays (OWASP ASVS 2.2.1),
counted per account *from one address* and per address: someone guessing from elsewhere slows
themselves, never the real user at their own desk, and no one can lock every beheerder out. An
unknown login, a wrong password and a throttled try read the same and cost the same hashing
time, so neither the message nor the timing tells which logins exist.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from verwijzing.enums import StaffRole
from verwijzing.staff import second_factor
from verwijzing.store.engine import insert_for
from verwijzing.store.staff_models import LoginThrottle, StaffUser

MIN_PASSWORD = 12
# Free tries before the delays start: per account from one address, and per address (an office
# behind one address has many consulents).
FREE_TRIES_ACCOUNT = 3
FREE_TRIES_ADDRESS = 20
# The delay doubles with each failure after the free ones, up to this.
LONGEST_DELAY = dt.timedelta(minutes=5)
# A count with no failure for this long starts again from zero.
FORGET_AFTER = dt.timedelta(hours=1)
REFUSED = "Login of wachtwoord klopt niet."
# A counsellor's login is their e-mail address (counsellors/invitations.py), hence "@" and "+".
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._@+-]{1,79}")
# The password of an account whose invitation was not used yet: not an argon2 hash, so no
# password verifies against it (`_verify` is False on an invalid hash).
NO_PASSWORD = "!uitgenodigd"  # noqa: S105 - the marker of no password, not one

# argon2-cffi's defaults are argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()
_UNKNOWN_USER_HASH = _hasher.hash("no such user: spend the same time")


class AccountError(ValueError):
    """A plain Dutch message for the person at the keyboard."""


class LoginRefused(AccountError):
    """Always the same message; `why` (unknown, wrong, throttled) is for the audit log only."""

    def __init__(self, why: str, account: str | None = None):
        super().__init__(REFUSED)
        self.why, self.account = why, account


def delay_after(failures: int, free: int) -> dt.timedelta:
    """How long to wait after `failures` in a row: nothing for the free tries, then 1 s, 2 s, 4 s …"""
    if failures < free:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=2 ** (failures - free)), LONGEST_DELAY)


def throttle_keys(login: str, address: str, secret: bytes) -> dict[str, int]:
    """The counters a try from `address` for `login` touches, with their free tries. Keyed hashes:
    the table holds no login names or addresses, and without the secret they cannot be found back
    by hashing every IPv4 address (a plain hash of 2³² addresses can)."""
    def key(text: str) -> str:
        return hmac.new(secret, f"login-throttle:{text}".encode(), hashlib.sha256).hexdigest()
    return {key(f"account:{login}|{address}"): FREE_TRIES_ACCOUNT, key(f"address:{address}"): FREE_TRIES_ADDRESS}


@dataclass(frozen=True)
class StaffMember:
    id: int
    login: str
    role: str
    # Role begeleider: the counsellor whose agenda this member sees (and only that one).
    counsellor_id: int | None = None

    @property
    def is_beheerder(self) -> bool:
        return self.role == StaffRole.BEHEERDER.value

    @property
    def is_begeleider(self) -> bool:
        return self.role == StaffRole.BEGELEIDER.value

    @classmethod
    def of(cls, user: StaffUser) -> StaffMember:
        return cls(user.id, user.login, user.role, user.counsellor_id)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Kies een wachtwoord van minstens {MIN_PASSWORD} tekens.")


def add_user(session: Session, login: str, role: str, password: str | None, now: dt.datetime,
             *, totp_secret: str | None = None, seal_key: bytes = b"", counsellor_id: int | None = None) -> StaffMember:
    """A new account. Its second factor is set up at its first login; `totp_secret` gives it one
    now (a test's authenticator, or an account moved from elsewhere). Without a `password` no
    password opens it until its invitation sets one. A begeleider is always one counsellor of the
    register (`counsellor_id`), and only a begeleider is."""
    login = login.strip().lower()
    if not _LOGIN.fullmatch(login):
        raise AccountError("Een login heeft 2 tot 80 kleine letters, cijfers, '.', '_', '@', '+' of '-'.")
    if role not in {r.value for r in StaffRole}:
        raise AccountError(f"Rol moet {' of '.join(r.value for r in StaffRole)} zijn.")
    if (role == StaffRole.BEGELEIDER.value) != (counsellor_id is not None):
        raise AccountError("Een begeleider krijgt een account met een uitnodiging uit het register "
                           "(docs/counsellors.md), niet met add-user.")
    if password is not None:
        check_new_password(password)
    if session.scalar(select(StaffUser).where(StaffUser.login == login)) is not None:
        raise AccountError(f"Er is al een gebruiker '{login}'.")
    hashed = _hasher.hash(password) if password is not None else NO_PASSWORD
    user = StaffUser(login=login, role=role, password_hash=hashed, created_at=now, counsellor_id=counsellor_id,
                     totp_secret=second_factor.sealed(totp_secret, seal_key) if totp_secret else None)
    session.add(user)
    session.flush()
    return StaffMember.of(user)


def set_password(user: StaffUser, password: str) -> None:
    check_new_password(password)
    user.password_hash = _hasher.hash(password)


def has_password(user: StaffUser) -> bool:
    return user.password_hash != NO_PASSWORD


def authenticate(session: Session, login: str, password: str, now: dt.datetime, address: str = "", *,
                 code: str = "", seal_key: bytes = b"") -> StaffMember:
    """The member, or LoginRefused (one message whatever went wrong). An account with a second
    factor needs its code too (from the app, or a recovery code, used up). The caller must commit
    also when this raises: the failure counts are the throttle."""
    login = login.strip().lower()
    frees = throttle_keys(login, address, seal_key)
    counters = {key: _counter(session, key, now) for key in frees}
    user = session.scalar(select(StaffUser).where(StaffUser.login == login).with_for_update())
    waiting = any(c.not_before > now for c in counters.values())
    # The hash is checked (or an equal one spent) whatever the outcome: the same time for all, an
    # invited account without a password yet included (its marker would fail at once).
    usable = user is not None and has_password(user)
    right = _verify(user.password_hash if user is not None and usable else _UNKNOWN_USER_HASH, password) and usable
    step: int | None = None
    if right and user is not None and user.totp_secret:
        right, step = _second_factor_ok(user, code, seal_key, now, use_up=not waiting)
    if waiting or user is None or not right:
        for key, free in frees.items():
            counter = counters[key]
            if now - counter.not_before > FORGET_AFTER:
                counter.failures = 0
            counter.failures += 1
            counter.not_before = now + delay_after(counter.failures, free)
        why = "throttled" if waiting else ("unknown" if user is None else "wrong")
        raise LoginRefused(why, user.login if user is not None else None)
    counters[next(iter(counters))].failures = 0  # the account from this address: a fresh start
    if step is not None:  # taken only by a login that succeeds: a refused one uses nothing up
        user.totp_last_step = step
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return StaffMember.of(user)


def _second_factor_ok(user: StaffUser, code: str, seal_key: bytes, now: dt.datetime, *,
                      use_up: bool) -> tuple[bool, int | None]:
    """Whether `code` is a code of the app not used before (and its time step), or an unused
    recovery code (used up only when `use_up`: a throttled try spends nothing)."""
    secret = second_factor.opened(user.totp_secret, seal_key)
    step = second_factor.code_step(secret, code, now) if secret is not None else None
    if second_factor.take_step(user.totp_last_step, step):
        return True, step
    left = second_factor.use_recovery_code(user.recovery_codes, code) if code.strip() else None
    if left is None:
        return False, None
    if use_up:
        user.recovery_codes = left
    return True, None


def needs_second_factor_setup(session: Session, member: StaffMember) -> bool:
    user = session.get(StaffUser, member.id)
    return user is not None and not user.totp_secret


def forget_login_counts(session: Session, now: dt.datetime) -> int:
    """Drop the counts that would start from zero anyway (no failure for FORGET_AFTER): the
    worker's retention, so the table does not grow with every address that ever tried."""
    done = session.execute(delete(LoginThrottle).where(LoginThrottle.not_before < now - FORGET_AFTER))
    return getattr(done, "rowcount", 0) or 0


def _counter(session: Session, key: str, now: dt.datetime) -> LoginThrottle:
    """The counter of `key`, locked for this transaction; made first if there is none (two first
    failures at once make one row, not a conflict)."""
    values = {"key": key, "failures": 0, "not_before": now - 2 * FORGET_AFTER}
    insert = insert_for(session)
    session.execute(insert(LoginThrottle).values(values).on_conflict_do_nothing())
    counter = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    if counter is None:  # pragma: no cover - just inserted or already there
        raise RuntimeError(f"login throttle {key} vanished")
    return counter


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
