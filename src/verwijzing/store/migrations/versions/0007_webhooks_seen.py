"""Webhooks seen: the Twilio message ids already answered, so that a replay is answered once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhooks_seen",
        sa.Column("sid", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_webhooks_seen_seen_at", "webhooks_seen", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_webhooks_seen_seen_at", "webhooks_seen")
    op.drop_table("webhooks_seen")
