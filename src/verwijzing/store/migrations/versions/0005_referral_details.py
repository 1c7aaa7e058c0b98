"""Referral details: the rules' outcome, the screening facts, the conversation, staff consent and override.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Every decision becomes a referral (verwijzing.referrals.record). A referral now also keeps whether the
rules found the person eligible (`in_aanmerking`, for the status filter and the dashboard), the
screening facts the rules read (`facts`, so a scenario can screen recorded intakes again), the
Rasa conversation id (the way to its transcript), and for staff referrals how the citizen
consented and the consulent's override. `booking_reference` gets an index: the list joins on it.

Rows written before this revision get their outcome from their own decision snapshot and empty
facts. Frozen like 0001: it does not import the models. On SQLite the table is rebuilt (batch
mode) to make the new columns NOT NULL and add the CHECK constraint.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CONSENTS = "consent IN ('in_persoon', 'telefonisch')"


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("in_aanmerking", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("conversation_id", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("consent", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("override", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=True))

    referrals = sa.table("referrals", sa.column("id", sa.Integer()), sa.column("decision", sa.JSON()),
                         sa.column("in_aanmerking", sa.Boolean()), sa.column("facts", sa.JSON()))
    connection = op.get_bind()
    for row in connection.execute(sa.select(referrals.c.id, referrals.c.decision)).all():
        eligible = bool((row.decision or {}).get("in_aanmerking"))
        connection.execute(referrals.update().where(referrals.c.id == row.id)
                           .values(in_aanmerking=eligible, facts={}))

    with op.batch_alter_table("referrals") as batch:
        batch.alter_column("in_aanmerking", existing_type=sa.Boolean(), nullable=False)
        batch.alter_column("facts", existing_type=sa.JSON(), nullable=False)
        batch.create_check_constraint(op.f("ck_referrals_consent"), sa.text(CONSENTS))
        batch.create_index(op.f("ix_referrals_conversation_id"), ["conversation_id"])
        batch.create_index(op.f("ix_referrals_booking_reference"), ["booking_reference"])


def downgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.drop_index(op.f("ix_referrals_booking_reference"))
        batch.drop_index(op.f("ix_referrals_conversation_id"))
        batch.drop_constraint(op.f("ck_referrals_consent"), type_="check")
        batch.drop_column("facts")
        batch.drop_column("override")
        batch.drop_column("consent")
        batch.drop_column("conversation_id")
        batch.drop_column("in_aanmerking")
