"""how each owner likes to network (online or in person, one to one or in groups)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.add_column(
            sa.Column("style_medium", sa.String(16), comment="online or in_person: how the owner likes to network")
        )
        batch.add_column(sa.Column("style_size", sa.String(16), comment="one_to_one or groups"))


def downgrade() -> None:
    with op.batch_alter_table("preferences") as batch:
        batch.drop_column("style_size")
        batch.drop_column("style_medium")
