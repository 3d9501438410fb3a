"""students who share with their campus, and the facts shared about them (no personal data)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'campus_members',
        sa.Column('owner_id', sa.String(length=128), nullable=False),
        sa.Column('sharing', sa.Boolean(), nullable=False, comment='opted in to share with their campus'),
        sa.Column('changed_at', UTCDateTime(), nullable=False),
        sa.Column('week_from', sa.Date(), nullable=True, comment='the Monday of the next week to summarise'),
        sa.Column('summary_at', UTCDateTime(), nullable=True, comment='when that week ends: null while not sharing'),
        sa.PrimaryKeyConstraint('owner_id'),
    )
    op.create_index('ix_campus_members_summary_at', 'campus_members', ['summary_at'])
    op.create_table(
        'campus_facts',
        sa.Column('id', sa.String(length=100), nullable=False,
                  comment='the contact, interaction, follow-up or milestone'),
        sa.Column('owner_id', sa.String(length=128), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('on', sa.Date(), nullable=False, comment="the owner's local day"),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('interaction_kind', sa.String(length=32), nullable=True),
        sa.Column('give_first_kind', sa.String(length=32), nullable=True),
        sa.Column('direction', sa.String(length=16), nullable=True),
        sa.Column('tie', sa.String(length=16), nullable=True),
        sa.Column('category', sa.String(length=32), nullable=True),
        sa.Column('warmth', sa.String(length=8), nullable=True),
        sa.Column('outcome', sa.String(length=32), nullable=True),
        sa.Column('from_campus', sa.Boolean(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('milestone', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_campus_facts_owner_on', 'campus_facts', ['owner_id', 'on'])


def downgrade() -> None:
    op.drop_index('ix_campus_facts_owner_on', table_name='campus_facts')
    op.drop_table('campus_facts')
    op.drop_index('ix_campus_members_summary_at', table_name='campus_members')
    op.drop_table('campus_members')
