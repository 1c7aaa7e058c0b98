"""Cheque uses: the single transitional loopbaancheque a person used, kept apart from the credit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Bookings under the transitional regime (2025-10-01 … 2026-12-31) no longer borrow the 2027
credit's figures or debit its ledger; confirming one records the use of the person's single
cheque here instead. Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cheque_uses",
        sa.Column("citizen_key", sa.String(length=64), nullable=False),
        sa.Column("regime", sa.String(length=40), nullable=False),
        sa.Column("booking_reference", sa.String(length=7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("citizen_key", "regime", name=op.f("pk_cheque_uses")),
        sa.UniqueConstraint("booking_reference", name=op.f("uq_cheque_uses_booking_reference")),
    )


def downgrade() -> None:
    op.drop_table("cheque_uses")
