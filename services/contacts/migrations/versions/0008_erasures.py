"""the record of each owner's erasure, and which services confirmed it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("owner_id", sa.String(128), primary_key=True),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed", sa.JSON(), nullable=False, comment="service -> when it confirmed"),
        sa.Column("done_at", UTCDateTime(), comment="when every service had confirmed"),
    )


def downgrade() -> None:
    op.drop_table("erasures")
