"""Erased conversations: a tombstone per erased conversation, which Rasa's tracker store honours so
that a turn in flight cannot write an erased conversation back.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_conversations",
        sa.Column("sender_id", sa.String(255), primary_key=True),
        sa.Column("erased_at", sa.Float(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erased_conversations")
