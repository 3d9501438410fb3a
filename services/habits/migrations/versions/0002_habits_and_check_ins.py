"""habits and check-ins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('habits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('schedule', sa.JSON(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('reminder_time', sa.String(length=8), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=True),
    sa.Column('pauses', sa.JSON(), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_habits'))
    )
    with op.batch_alter_table('habits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_habits_owner_id'), ['owner_id'], unique=False)

    op.create_table('interaction_versions',
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.Column('interaction_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tie_before', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('owner_id', 'interaction_id', name=op.f('pk_interaction_versions'))
    )
    op.create_table('check_ins',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.Column('habit_id', sa.String(length=36), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_event_id', sa.String(length=64), nullable=True),
    sa.Column('interaction_id', sa.String(length=64), nullable=True),
    sa.Column('reverted', sa.Boolean(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['habit_id'], ['habits.id'], name=op.f('fk_check_ins_habit_id_habits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index('ix_check_ins_owner_habit_date', ['owner_id', 'habit_id', 'local_date'], unique=False)
        batch_op.create_index('ix_check_ins_owner_interaction', ['owner_id', 'interaction_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_check_ins_owner_interaction')
        batch_op.drop_index('ix_check_ins_owner_habit_date')

    op.drop_table('check_ins')
    op.drop_table('interaction_versions')
    with op.batch_alter_table('habits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_habits_owner_id'))

    op.drop_table('habits')
