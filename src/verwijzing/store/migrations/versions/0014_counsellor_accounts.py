"""Counsellors' accounts: the role begeleider, the account's counsellor, and one-time invitations.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Frozen like 0001: it does not import the models. On SQLite staff_users is rebuilt (batch mode):
SQLite cannot swap a CHECK constraint in place.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('consulent', 'beheerder')"
NEW_ROLES = "role IN ('consulent', 'beheerder', 'begeleider')"


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_constraint(op.f("ck_staff_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_staff_users_role"), sa.text(NEW_ROLES))
        batch.add_column(sa.Column("counsellor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_staff_users_counsellor_id_counsellors"), "counsellors",
                                 ["counsellor_id"], ["id"], ondelete="CASCADE")
        batch.create_unique_constraint(op.f("uq_staff_users_counsellor_id"), ["counsellor_id"])
    op.create_table(
        "staff_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], name=op.f("fk_staff_invitations_user_id_staff_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_invitations_token_hash")),
    )
    op.create_index(op.f("ix_staff_invitations_user_id"), "staff_invitations", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_invitations_user_id"), table_name="staff_invitations")
    op.drop_table("staff_invitations")
    op.execute("DELETE FROM staff_users WHERE role = 'begeleider'")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_constraint(op.f("uq_staff_users_counsellor_id"), type_="unique")
        batch.drop_constraint(op.f("fk_staff_users_counsellor_id_counsellors"), type_="foreignkey")
        batch.drop_column("counsellor_id")
        batch.drop_constraint(op.f("ck_staff_users_role"), type_="check")
        batch.create_check_constraint(op.f("ck_staff_users_role"), sa.text(OLD_ROLES))
