"""A counsellor's account: a beheerder invites a counsellor of the register, the counsellor sets a
password through a one-time link sent by e-mail, then logs in like any member of the console (and
sets up the second factor at the first login).

The link's token is random (32 bytes); only its SHA-256 is kept. It works once, for
INVITATION_VALID, and a new invitation makes the older links of that account useless. A
counsellor's login is the e-mail address of the register. The e-mail goes through the mail
outbox in the same transaction as the invitation: there is a message if and only if there is an
invitation.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from verwijzing.counsellors import mail_texts
from verwijzing.enums import StaffRole
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.mail import queue_mail
from verwijzing.staff.accounts import AccountError, StaffMember, add_user, has_password, set_password
from verwijzing.store.models import Counsellor
from verwijzing.store.staff_models import StaffInvitation, StaffUser

INVITATION_VALID = dt.timedelta(hours=72)
# Where the link leads, under the console (gateway/staff/welcome.py).
WELCOME_PATH = "/staff/welkom/"


class InvitationError(AccountError):
    """A plain Dutch message for the beheerder or the counsellor."""


class LinkGone(InvitationError):
    """The link never existed, was used, or ran out."""


LINK_GONE = ("Deze link werkt niet meer. Hij werkt maar één keer en 72 uur lang. "
             "Vraag je beheerder om een nieuwe uitnodiging.")


@dataclass(frozen=True)
class Invited:
    login: str
    name: str
    expires_at: dt.datetime
    new_account: bool


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_of(session: Session, counsellor_id: int) -> StaffUser | None:
    found: StaffUser | None = session.scalar(select(StaffUser).where(StaffUser.counsellor_id == counsellor_id))
    return found


def invite(session: Session, counsellor_id: int, now: dt.datetime, base_url: str) -> Invited:
    """Make the counsellor's account when there is none, and send a new link to set its password.
    Refused for a counsellor not in the register, without an e-mail address, whose mandate is
    over, or who already set a password (their account works: nothing to invite to)."""
    counsellor = session.get(Counsellor, counsellor_id, with_for_update=True)
    if counsellor is None or counsellor.mandate_number is None:
        raise InvitationError("Deze begeleider staat niet in het mandaatregister.")
    if not counsellor.email:
        raise InvitationError(f"Voor {counsellor.name} staat geen e-mailadres in het register. "
                              "Vul het aan in het register en lees het opnieuw in.")
    today = now.astimezone(BRUSSELS).date()
    if counsellor.mandate_valid_to is not None and counsellor.mandate_valid_to < today:
        raise InvitationError(f"Het mandaat van {counsellor.name} is afgelopen.")
    user = account_of(session, counsellor.id)
    new_account = user is None
    if user is None:
        try:
            member = add_user(session, counsellor.email, StaffRole.BEGELEIDER.value, None, now,
                              counsellor_id=counsellor.id)
        except AccountError as taken:  # e.g. a consulent's login is this e-mail address
            raise InvitationError(f"{counsellor.name} kan geen account krijgen: {taken}") from None
        user = session.get(StaffUser, member.id)
        if user is None:  # pragma: no cover - just added
            raise RuntimeError("the new account vanished")
    elif has_password(user):
        raise InvitationError(f"{counsellor.name} heeft al een account en kan aanmelden als {user.login}.")
    session.execute(delete(StaffInvitation).where(StaffInvitation.user_id == user.id))
    token = secrets.token_urlsafe(32)
    expires = now + INVITATION_VALID
    session.add(StaffInvitation(token_hash=_digest(token), user_id=user.id, created_at=now, expires_at=expires,
                                used_at=None))
    link = f"{base_url.rstrip('/')}{WELCOME_PATH}{token}"
    queue_mail(session, to=counsellor.email, subject=mail_texts.INVITATION_SUBJECT,
               text=mail_texts.invitation(counsellor.name, user.login, link, expires), at=now)
    return Invited(user.login, counsellor.name, expires, new_account)


def invitation_of(session: Session, token: str, now: dt.datetime, *, lock: bool = False) -> StaffInvitation:
    """The invitation of a link that still works, or InvitationError (one message for a link that
    never existed, was used, or ran out: which one is none of a guesser's business)."""
    statement = select(StaffInvitation).where(StaffInvitation.token_hash == _digest(token))
    found = session.scalar(statement.with_for_update() if lock else statement)
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise LinkGone(LINK_GONE)
    return found


def accept(session: Session, token: str, password: str, repeated: str, now: dt.datetime) -> StaffMember:
    """Set the account's first password with the link's token; the link is used up."""
    invitation = invitation_of(session, token, now, lock=True)
    if password != repeated:
        raise InvitationError("De twee wachtwoorden zijn niet gelijk.")
    user = session.get(StaffUser, invitation.user_id, with_for_update=True)
    if user is None:  # pragma: no cover - the invitation's foreign key cascades
        raise LinkGone(LINK_GONE)
    set_password(user, password)
    invitation.used_at = now
    session.execute(delete(StaffInvitation).where(StaffInvitation.user_id == user.id,
                                                  StaffInvitation.id != invitation.id))
    return StaffMember.of(user)


def login_of_invitation(session: Session, token: str, now: dt.datetime) -> str:
    """The login a working link is for (shown on the page that sets the password)."""
    user = session.get(StaffUser, invitation_of(session, token, now).user_id)
    if user is None:  # pragma: no cover
        raise LinkGone(LINK_GONE)
    return user.login


def forget_invitations(session: Session, now: dt.datetime) -> int:
    """The worker's retention: links used or run out a day ago are of no more use."""
    done = session.execute(delete(StaffInvitation).where(StaffInvitation.expires_at < now - dt.timedelta(days=1)))
    return getattr(done, "rowcount", 0) or 0
