"""interactions keep the contact's tie when they were logged (results count by it)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as table:
        table.add_column(
            sa.Column("tie_then", sa.String(16), comment="the contact's tie when logged; null before 0003")
        )


def downgrade() -> None:
    with op.batch_alter_table("interactions") as table:
        table.drop_column("tie_then")
