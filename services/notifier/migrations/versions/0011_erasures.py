"""how each owner's erasure goes in the notifier: which streams asked, when it confirmed

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("owner_id", sa.String(128), primary_key=True),
        sa.Column("contacts_at", UTCDateTime(), comment="when the contacts stream asked (the request)"),
        sa.Column("habits_at", UTCDateTime(), comment="when the habits service said it erased"),
        sa.Column("confirmed_at", UTCDateTime(), comment="when this service confirmed"),
    )


def downgrade() -> None:
    op.drop_table("erasures")
