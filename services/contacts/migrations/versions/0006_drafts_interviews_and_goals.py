"""outreach drafts, informational interviews as a pipeline, and networking goals

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("interaction_id", sa.String(36), sa.ForeignKey("interactions.id")),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_drafts_owner_contact", "drafts", ["owner_id", "contact_id"])
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("contact_id", sa.String(36), sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("reminder_id", sa.String(36), comment="the follow-up to send the questions ahead"),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("interaction_id", sa.String(36), sa.ForeignKey("interactions.id")),
        sa.Column("takeaway", sa.Text()),
        sa.Column("proposals", sa.JSON(), nullable=False, comment="the thank-you and update follow-ups proposed"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_interviews_owner", "interviews", ["owner_id", "scheduled_at"])
    op.create_table(
        "goals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(200)),
        sa.Column("month", sa.Date()),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("reached_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_goals_owner_id", "goals", ["owner_id"])


def downgrade() -> None:
    op.drop_table("goals")
    op.drop_table("interviews")
    op.drop_table("drafts")
