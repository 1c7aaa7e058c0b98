"""A case for every conversation (its code, given at a counter or on the phone), and carrying an
SMS conversation to the web with a one-time code sent to the case's phone.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_BEFORE = "'wacht', 'bij_consulent', 'terug', 'gesloten', 'terugbellen_vraag', 'terugbellen'"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("ck_cases_status"), type_="check")
        batch.create_check_constraint(op.f("ck_cases_status"), sa.text(f"status IN ('assistent', {_BEFORE})"))
        batch.add_column(sa.Column("carry_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("carry_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("carry_tries", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("carry_sends", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("carry_day", sa.Date(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM cases WHERE status = 'assistent'")
    with op.batch_alter_table("cases") as batch:
        for column in ("carry_day", "carry_sends", "carry_tries", "carry_expires_at", "carry_hash"):
            batch.drop_column(column)
        batch.drop_constraint(op.f("ck_cases_status"), type_="check")
        batch.create_check_constraint(op.f("ck_cases_status"), sa.text(f"status IN ({_BEFORE})"))
