"""each owner's zone and day start (from their preferences), habits that follow the owner's zone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('owner_settings',
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('day_start', sa.String(length=8), nullable=False),
    sa.PrimaryKeyConstraint('owner_id'),
    comment="Each owner's zone and day start, from their preferences on the notifier stream"
    )
    with op.batch_alter_table('habits') as batch:
        batch.add_column(sa.Column('day_start', sa.String(length=8), server_default='00:00', nullable=False))
        batch.add_column(sa.Column('zone_is_owners', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('habits') as batch:
        batch.drop_column('zone_is_owners')
        batch.drop_column('day_start')
    op.drop_table('owner_settings')
