"""The private address of each counsellor's agenda feed: its token's hash, and the token sealed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counsellors") as batch:
        batch.add_column(sa.Column("feed_token_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("feed_token_sealed", sa.String(length=300), nullable=True))
        batch.create_unique_constraint(op.f("uq_counsellors_feed_token_hash"), ["feed_token_hash"])


def downgrade() -> None:
    with op.batch_alter_table("counsellors") as batch:
        batch.drop_constraint(op.f("uq_counsellors_feed_token_hash"), type_="unique")
        batch.drop_column("feed_token_sealed")
        batch.drop_column("feed_token_hash")
