"""streak checkpoints

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 03:21:20.276535
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db.types


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('streaks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settled_through', sa.Date(), nullable=True, comment='last day of the periods folded into settled_*'))
        batch_op.add_column(sa.Column('settled_run', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('settled_longest', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('plan_version', sa.Integer(), nullable=True, comment='the habit version the settled periods were computed for'))



def downgrade() -> None:
    with op.batch_alter_table('streaks', schema=None) as batch_op:
        batch_op.drop_column('plan_version')
        batch_op.drop_column('settled_longest')
        batch_op.drop_column('settled_run')
        batch_op.drop_column('settled_through')

