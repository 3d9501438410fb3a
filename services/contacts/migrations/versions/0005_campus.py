"""contacts and interactions say when they came from a campus tool; each owner's choice to share
with their campus

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORIGIN = "campus: from a campus tool; null: from the owner"


def upgrade() -> None:
    for table in ("contacts", "interactions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("origin", sa.String(16), comment=ORIGIN))
    op.create_table(
        "campus_sharing",
        sa.Column("owner_id", sa.String(128), primary_key=True),
        sa.Column("sharing", sa.Boolean(), nullable=False, comment="the owner opted in to share with their campus"),
        sa.Column("changed_at", UTCDateTime(), nullable=False, comment="when they chose it (newest wins)"),
    )


def downgrade() -> None:
    op.drop_table("campus_sharing")
    for table in ("interactions", "contacts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("origin")
