"""Initial schema: counsellors, slots, bookings, credit ledger, referrals, audit log, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Written from the models and then frozen: a migration must not import the models (they change
later), so the allowed values of the CHECK constraints are spelled out here.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

MODALITIES = "('op_locatie', 'online', 'telefoon')"
CHANNELS = "('web', 'sms', 'voice', 'staff')"
ACTIVE = sa.text("status IN ('held', 'confirmed')")


def _time(name: str, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "counsellors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("mandate_valid_from", sa.Date(), nullable=False),
        sa.Column("mandate_valid_to", sa.Date(), nullable=True),
        sa.Column("beroepskwalificatie_valid_from", sa.Date(), nullable=True),
        sa.Column("beroepskwalificatie_valid_to", sa.Date(), nullable=True),
        sa.Column("office_postcode", sa.String(length=4), nullable=False),
        sa.Column("province", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=3), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counsellors")),
    )
    op.create_index(op.f("ix_counsellors_province"), "counsellors", ["province"])

    op.create_table(
        "counsellor_modalities",
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("modality", sa.String(length=12), nullable=False),
        sa.CheckConstraint(f"modality IN {MODALITIES}", name=op.f("ck_counsellor_modalities_modality")),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], ondelete="CASCADE",
            name=op.f("fk_counsellor_modalities_counsellor_id_counsellors"),
        ),
        sa.PrimaryKeyConstraint("counsellor_id", "modality", name=op.f("pk_counsellor_modalities")),
    )
    op.create_table(
        "counsellor_languages",
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], ondelete="CASCADE",
            name=op.f("fk_counsellor_languages_counsellor_id_counsellors"),
        ),
        sa.PrimaryKeyConstraint("counsellor_id", "language", name=op.f("pk_counsellor_languages")),
    )

    op.create_table(
        "slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _time("starts_at"),
        _time("ends_at"),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_slots_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["counsellors.id"], name=op.f("fk_slots_counsellor_id_counsellors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slots")),
        sa.UniqueConstraint("counsellor_id", "starts_at", name=op.f("uq_slots_counsellor_id_starts_at")),
    )
    op.create_index(op.f("ix_slots_counsellor_id"), "slots", ["counsellor_id"])
    op.create_index(op.f("ix_slots_day"), "slots", ["day"])

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=7), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("modality", sa.String(length=12), nullable=False),
        sa.Column("citizen_key", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        _time("created_at"),
        _time("held_until"),
        _time("confirmed_at", nullable=True),
        _time("cancelled_at", nullable=True),
        sa.CheckConstraint(f"channel IN {CHANNELS}", name=op.f("ck_bookings_channel")),
        sa.CheckConstraint(f"modality IN {MODALITIES}", name=op.f("ck_bookings_modality")),
        sa.CheckConstraint(
            "status IN ('held', 'confirmed', 'cancelled', 'attended', 'expired')",
            name=op.f("ck_bookings_status"),
        ),
        sa.ForeignKeyConstraint(["slot_id"], ["slots.id"], name=op.f("fk_bookings_slot_id_slots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_bookings_idempotency_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_bookings_reference")),
    )
    op.create_index(op.f("ix_bookings_citizen_key"), "bookings", ["citizen_key"])
    op.create_index(op.f("ix_bookings_slot_id"), "bookings", ["slot_id"])
    # One active (held or confirmed) booking per slot; see the Booking model for why.
    op.create_index(
        "uq_bookings_active_slot", "bookings", ["slot_id"], unique=True,
        sqlite_where=ACTIVE, postgresql_where=ACTIVE,
    )

    op.create_table(
        "credit_accounts",
        sa.Column("citizen_key", sa.String(length=64), nullable=False),
        _time("created_at"),
        sa.PrimaryKeyConstraint("citizen_key", name=op.f("pk_credit_accounts")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_key", sa.String(length=64), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("booking_reference", sa.String(length=7), nullable=True),
        sa.Column("reason", sa.String(length=12), nullable=False),
        _time("created_at"),
        sa.CheckConstraint(
            "reason IN ('grant', 'debit', 'refund', 'carry_over')", name=op.f("ck_ledger_entries_reason")
        ),
        sa.CheckConstraint("minutes <> 0", name=op.f("ck_ledger_entries_minutes_not_zero")),
        sa.ForeignKeyConstraint(
            ["citizen_key"], ["credit_accounts.citizen_key"],
            name=op.f("fk_ledger_entries_citizen_key_credit_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(op.f("ix_ledger_entries_booking_reference"), "ledger_entries", ["booking_reference"])
    op.create_index(op.f("ix_ledger_entries_citizen_key"), "ledger_entries", ["citizen_key"])

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("created_at"),
        sa.Column("route", sa.String(length=30), nullable=False),
        sa.Column("regime", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=5), nullable=False),
        sa.Column("staff_member", sa.String(length=80), nullable=True),
        sa.Column("booking_reference", sa.String(length=7), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.CheckConstraint(f"channel IN {CHANNELS}", name=op.f("ck_referrals_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index(op.f("ix_referrals_created_at"), "referrals", ["created_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("at"),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        _time("created_at"),
        sa.Column("to_number", sa.String(length=20), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=6), nullable=False),
        sa.Column("booking_reference", sa.String(length=7), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("sent_at", nullable=True),
        sa.CheckConstraint("status IN ('queued', 'sent')", name=op.f("ck_outbox_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_created_at"), "outbox", ["created_at"])
    op.create_index(op.f("ix_outbox_status"), "outbox", ["status"])


def downgrade() -> None:
    for table in (
        "outbox", "audit_log", "referrals", "ledger_entries", "credit_accounts", "bookings",
        "slots", "counsellor_languages", "counsellor_modalities", "counsellors",
    ):
        op.drop_table(table)
