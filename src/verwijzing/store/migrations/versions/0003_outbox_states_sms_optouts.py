"""Outbox states for an SMS provider (sending, failed, backoff, provider id) and the SMS opt-out list.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

The outbox gains the states a real provider needs: a dispatcher claims a row ("sending") before
it calls Twilio, retries after a temporary error at `next_attempt_at`, and gives up ("failed")
with a short `last_error`. `sms_optouts` holds the keyed hashes of numbers that sent STOP.
Frozen like 0001: it does not import the models.

On SQLite the outbox is rebuilt (batch mode): SQLite cannot widen a column or swap a CHECK
constraint in place.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('queued', 'sent')"
NEW_STATUSES = "status IN ('queued', 'sending', 'sent', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.alter_column("status", existing_type=sa.String(length=6), type_=sa.String(length=7),
                           existing_nullable=False)
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("provider_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=200), nullable=True))
        batch.create_check_constraint(op.f("ck_outbox_status"), sa.text(NEW_STATUSES))

    op.create_table(
        "sms_optouts",
        sa.Column("phone_key", sa.String(length=64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_key", name=op.f("pk_sms_optouts")),
    )


def downgrade() -> None:
    op.drop_table("sms_optouts")
    # The old schema knows only queued and sent, and the old dispatcher sends every queued row.
    # A row that is "sending" may already be on the citizen's phone and a "failed" one must not
    # be tried again, so both go down as "sent" (number cleared): never twice beats the truth here.
    op.execute(sa.text(
        "UPDATE outbox SET status = 'sent', to_number = NULL WHERE status IN ('sending', 'failed')"
    ))
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.drop_column("last_error")
        batch.drop_column("provider_id")
        batch.drop_column("claimed_at")
        batch.drop_column("next_attempt_at")
        batch.alter_column("status", existing_type=sa.String(length=7), type_=sa.String(length=6),
                           existing_nullable=False)
        batch.create_check_constraint(op.f("ck_outbox_status"), sa.text(OLD_STATUSES))
