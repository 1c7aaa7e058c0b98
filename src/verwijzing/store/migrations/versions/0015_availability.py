"""Counsellors' own hours: weekly windows and date overrides, the shortest notice, and what a
moment made from them carries (its ways of working, place, last booking time, withdrawn).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("starts", sa.Time(), nullable=True),
        sa.Column("ends", sa.Time(), nullable=True),
        sa.Column("modalities", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.CheckConstraint("(weekday IS NULL) <> (day IS NULL)", name=op.f("ck_availability_weekly_or_date")),
        sa.CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name=op.f("ck_availability_weekday")),
        sa.CheckConstraint("(starts IS NULL) = (ends IS NULL)", name=op.f("ck_availability_both_times")),
        sa.CheckConstraint("starts IS NOT NULL OR day IS NOT NULL", name=op.f("ck_availability_day_off_on_a_date")),
        sa.CheckConstraint("starts IS NULL OR ends > starts", name=op.f("ck_availability_ends_after_start")),
        sa.ForeignKeyConstraint(["counsellor_id"], ["counsellors.id"],
                                name=op.f("fk_availability_counsellor_id_counsellors"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability")),
    )
    op.create_index(op.f("ix_availability_counsellor_id"), "availability", ["counsellor_id"])
    with op.batch_alter_table("counsellors") as batch:
        batch.add_column(sa.Column("min_notice_hours", sa.Integer(), nullable=False, server_default="24"))
    with op.batch_alter_table("slots") as batch:
        batch.add_column(sa.Column("modalities", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("location", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("bookable_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))
    # The free-moment query walks the moments in this order and stops at the first few.
    op.create_index(op.f("ix_slots_starts_at"), "slots", ["starts_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_slots_starts_at"), "slots")
    with op.batch_alter_table("slots") as batch:
        batch.drop_column("withdrawn")
        batch.drop_column("bookable_until")
        batch.drop_column("location")
        batch.drop_column("modalities")
    with op.batch_alter_table("counsellors") as batch:
        batch.drop_column("min_notice_hours")
    op.drop_index(op.f("ix_availability_counsellor_id"), "availability")
    op.drop_table("availability")
