"""contacts, interactions and follow-ups

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
    op.create_table('contacts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('company_key', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('tie', sa.String(length=16), nullable=False),
    sa.Column('warmth', sa.String(length=16), nullable=False),
    sa.Column('emails', sa.JSON(), nullable=False),
    sa.Column('phones', sa.JSON(), nullable=False),
    sa.Column('linkedin_url', sa.String(length=300), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('how_met', sa.Text(), nullable=True),
    sa.Column('ask', sa.Text(), nullable=True),
    sa.Column('why_them', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('cadence_override_days', sa.Integer(), nullable=True),
    sa.Column('last_interaction_at', shared.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_at', shared.db.types.UTCDateTime(timezone=True), nullable=False, comment='when the contact starts going cold'),
    sa.Column('drift_at', shared.db.types.UTCDateTime(timezone=True), nullable=True, comment='when the tie next drifts if nothing happens'),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('import_key', sa.String(length=400), nullable=True),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_drift', ['drift_at'], unique=False)
        batch_op.create_index('ix_contacts_owner_due', ['owner_id', 'due_at'], unique=False)
        batch_op.create_index('ix_contacts_owner_name', ['owner_id', 'name_key', 'id'], unique=False)
        batch_op.create_index('uq_contacts_owner_import_key', ['owner_id', 'import_key'], unique=True)

    op.create_table('contact_tags',
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('tag', sa.String(length=40), nullable=False),
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_tags_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'tag', name=op.f('pk_contact_tags'))
    )
    with op.batch_alter_table('contact_tags', schema=None) as batch_op:
        batch_op.create_index('ix_contact_tags_owner_tag', ['owner_id', 'tag'], unique=False)

    op.create_table('interactions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('give_first_kind', sa.String(length=32), nullable=True),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('occurred_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('takeaway', sa.Text(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_interactions_contact_id_contacts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interactions'))
    )
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.create_index('ix_interactions_owner_contact', ['owner_id', 'contact_id', 'occurred_at'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_id', sa.String(length=128), nullable=False),
    sa.Column('contact_id', sa.String(length=36), nullable=False),
    sa.Column('interaction_id', sa.String(length=36), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('proposed_times', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', shared.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_follow_ups_contact_id_contacts')),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], name=op.f('fk_follow_ups_interaction_id_interactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index('ix_follow_ups_owner_contact', ['owner_id', 'contact_id'], unique=False)
        batch_op.create_index('ix_follow_ups_owner_status_due', ['owner_id', 'status', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_owner_status_due')
        batch_op.drop_index('ix_follow_ups_owner_contact')

    op.drop_table('follow_ups')
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_owner_contact')

    op.drop_table('interactions')
    with op.batch_alter_table('contact_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_tags_owner_tag')

    op.drop_table('contact_tags')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('uq_contacts_owner_import_key')
        batch_op.drop_index('ix_contacts_owner_name')
        batch_op.drop_index('ix_contacts_owner_due')
        batch_op.drop_index('ix_contacts_drift')

    op.drop_table('contacts')
