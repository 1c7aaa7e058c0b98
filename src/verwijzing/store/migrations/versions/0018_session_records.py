"""The session recorded by the counsellor: a booking can be a no-show, and the credit has
reservations (at booking) and their release (no-show, cancelled by the counsellor).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

Frozen like 0001: it does not import the models. On SQLite both tables are rebuilt (batch mode):
SQLite cannot swap a CHECK constraint in place.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('held', 'confirmed', 'cancelled', 'attended', 'expired')"
NEW_STATUSES = "status IN ('held', 'confirmed', 'cancelled', 'attended', 'expired', 'no_show')"
OLD_REASONS = "reason IN ('grant', 'debit', 'refund', 'carry_over')"
NEW_REASONS = "reason IN ('grant', 'reserve', 'release', 'debit', 'refund', 'carry_over')"
ACTIVE = sa.text("status IN ('held', 'confirmed')")


def _swap(table: str, name: str, condition: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(name), type_="check")
        batch.create_check_constraint(op.f(name), sa.text(condition))


def upgrade() -> None:
    _swap("bookings", "ck_bookings_status", NEW_STATUSES)
    _swap("ledger_entries", "ck_ledger_entries_reason", NEW_REASONS)
    # Confirmed bookings of the past were debited at once; from now on a booking reserves, and
    # the older debits of sessions still to come become reservations, so the session decides.
    op.execute("""
        UPDATE ledger_entries SET reason = 'reserve'
        WHERE reason = 'debit' AND booking_reference IN (
            SELECT reference FROM bookings WHERE status = 'confirmed')
    """)


def downgrade() -> None:
    op.execute("UPDATE ledger_entries SET reason = 'debit' WHERE reason = 'reserve'")
    op.execute("UPDATE ledger_entries SET reason = 'refund' WHERE reason = 'release'")
    op.execute("UPDATE bookings SET status = 'cancelled' WHERE status = 'no_show'")
    _swap("ledger_entries", "ck_ledger_entries_reason", OLD_REASONS)
    _swap("bookings", "ck_bookings_status", OLD_STATUSES)
