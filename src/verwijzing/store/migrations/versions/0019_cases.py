"""Cases for a live hand-over to a person: the queue, who took it, the messages while the assistant
is paused, a call back (part of the day, outcome); and when a consulent is available for it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

Frozen like 0001: it does not import the models.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("phone_sealed", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.String(length=80), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("daypart", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("misses", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("status IN ('wacht', 'bij_consulent', 'terug', 'gesloten', 'terugbellen_vraag', "
                           "'terugbellen')", name=op.f("ck_cases_status")),
        sa.CheckConstraint("daypart IS NULL OR daypart IN ('voormiddag', 'namiddag', 'maakt_niet_uit')",
                           name=op.f("ck_cases_daypart")),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('geholpen', 'niet_bereikt', 'verkeerd_nummer')",
                           name=op.f("ck_cases_outcome")),
        sa.CheckConstraint("channel IN ('web', 'sms', 'voice', 'staff')", name=op.f("ck_cases_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("code", name=op.f("uq_cases_code")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_cases_conversation_id")),
    )
    op.create_index("ix_cases_status_asked_at", "cases", ["status", "asked_at"])
    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.CheckConstraint("author IN ('burger', 'consulent', 'melding')", name=op.f("ck_case_messages_author")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_messages_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_messages")),
    )
    op.create_index(op.f("ix_case_messages_case_id"), "case_messages", ["case_id"])
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("available_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("available_until")
    op.drop_index(op.f("ix_case_messages_case_id"), table_name="case_messages")
    op.drop_table("case_messages")
    op.drop_index("ix_cases_status_asked_at", table_name="cases")
    op.drop_table("cases")
