"""The staff's second factor: a TOTP secret (sealed) and recovery codes per account; per session,
whether the second factor was given, a pending secret during setup, and the wrong codes tried.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(300), nullable=True))
        batch.add_column(sa.Column("recovery_codes", sa.JSON(), nullable=True))
    with op.batch_alter_table("staff_sessions") as batch:
        batch.add_column(sa.Column("second_factor", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("totp_pending", sa.String(300), nullable=True))
        batch.add_column(sa.Column("code_tries", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("staff_sessions") as batch:
        batch.drop_column("code_tries")
        batch.drop_column("totp_pending")
        batch.drop_column("second_factor")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("recovery_codes")
        batch.drop_column("totp_secret")
