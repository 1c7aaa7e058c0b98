"""Busy times from a counsellor's own calendar: its private iCalendar address (sealed), when it was
last read and what went wrong then, and the busy times that read found.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counsellors") as batch:
        batch.add_column(sa.Column("busy_calendar_sealed", sa.String(length=800), nullable=True))
        batch.add_column(sa.Column("busy_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("busy_problem", sa.String(length=200), nullable=True))
    op.create_table(
        "busy_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_busy_times_ends_after_start")),
        sa.ForeignKeyConstraint(["counsellor_id"], ["counsellors.id"],
                                name=op.f("fk_busy_times_counsellor_id_counsellors"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_busy_times")),
    )
    op.create_index(op.f("ix_busy_times_counsellor_id"), "busy_times", ["counsellor_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_busy_times_counsellor_id"), "busy_times")
    op.drop_table("busy_times")
    with op.batch_alter_table("counsellors") as batch:
        batch.drop_column("busy_problem")
        batch.drop_column("busy_checked_at")
        batch.drop_column("busy_calendar_sealed")
