"""the outcome of each projected interaction (a reply ends a contact's unanswered touches), each
contact's warmth (someone not met yet gets a first-contact suggestion), the owner's day start,
and feeds that follow the owner's zone

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('interactions') as batch:
        batch.add_column(sa.Column('outcome', sa.String(length=32), nullable=True))
    with op.batch_alter_table('contacts') as batch:
        batch.add_column(sa.Column('warmth', sa.String(length=8), server_default='warm', nullable=False))
    with op.batch_alter_table('preferences') as batch:
        batch.add_column(sa.Column('day_start', sa.Time(), server_default='00:00:00', nullable=False))
    with op.batch_alter_table('habits') as batch:
        batch.add_column(sa.Column('day_start', sa.Time(), server_default='00:00:00', nullable=False))
    with op.batch_alter_table('calendar_feeds') as batch:
        batch.alter_column('timezone', existing_type=sa.String(length=64), nullable=True,
                           comment="null: the owner's zone")


def downgrade() -> None:
    with op.batch_alter_table('calendar_feeds') as batch:
        batch.alter_column('timezone', existing_type=sa.String(length=64), nullable=False, comment=None)
    with op.batch_alter_table('habits') as batch:
        batch.drop_column('day_start')
    with op.batch_alter_table('preferences') as batch:
        batch.drop_column('day_start')
    with op.batch_alter_table('contacts') as batch:
        batch.drop_column('warmth')
    with op.batch_alter_table('interactions') as batch:
        batch.drop_column('outcome')
