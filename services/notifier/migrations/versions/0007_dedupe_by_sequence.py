"""consumers drop duplicates by the events' sequence per source and key

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from shared.db.migration_steps import dedupe_by_sequence, undo_dedupe_by_sequence

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dedupe_by_sequence()


def downgrade() -> None:
    undo_dedupe_by_sequence()
