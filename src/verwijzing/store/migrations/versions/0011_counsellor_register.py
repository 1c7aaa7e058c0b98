"""The counsellors' register: each counsellor's mandate number (the key of the register's import),
e-mail address, phone (sealed), office address and wheelchair access.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counsellors") as batch:
        # Null for counsellors made before the register (an older demo database).
        batch.add_column(sa.Column("mandate_number", sa.String(32), nullable=True))
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("phone_sealed", sa.String(300), nullable=True))
        batch.add_column(sa.Column("office_address", sa.String(200), nullable=True))
        batch.add_column(sa.Column("wheelchair_access", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_unique_constraint("uq_counsellors_mandate_number", ["mandate_number"])


def downgrade() -> None:
    with op.batch_alter_table("counsellors") as batch:
        batch.drop_constraint("uq_counsellors_mandate_number", type_="unique")
        batch.drop_column("wheelchair_access")
        batch.drop_column("office_address")
        batch.drop_column("phone_sealed")
        batch.drop_column("email")
        batch.drop_column("mandate_number")
