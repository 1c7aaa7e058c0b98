"""Booking reminders: which moment of a booking the day-before SMS was queued for.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

The worker (verwijzing.worker.reminders) queues one reminder SMS the day before a block. It
marks the booking with the slot the reminder was about (`reminded_slot_id`), in the same
transaction that queues the SMS, so a reminder is queued at most once per booking and moment,
whatever the number of workers; a booking moved to another day gets one for its new moment.
No foreign key: it is a marker, not a link (retention deletes slots after their bookings).
Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("reminded_slot_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("reminded_slot_id")
