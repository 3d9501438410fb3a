"""Migration steps every service runs for the tables ``shared.db.outbox`` and ``shared.db.inbox``
define. Each service keeps its own history; these are what its revisions call."""

import sqlalchemy as sa
from alembic import op

from shared.db.types import UTCDateTime

_UNSENT = {"postgresql_where": sa.text("sent_at IS NULL"), "sqlite_where": sa.text("sent_at IS NULL")}


def add_outbox_traceparent() -> None:
    """Each outbox row keeps the trace context it was staged in."""
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column(
                "traceparent", sa.String(55), nullable=True, comment="W3C trace context it was staged in"
            )
        )


def drop_outbox_traceparent() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("traceparent")


def create_outbox_and_inbox() -> None:
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("processed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox")),
    )
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbox_processed_at"), ["processed_at"], unique=False)
    op.create_table(
        "outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=249), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_unsent", ["id"], unique=False, **_UNSENT)


def drop_outbox_and_inbox() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unsent", **_UNSENT)
    op.drop_table("outbox")
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbox_processed_at"))
    op.drop_table("inbox")


def dedupe_by_sequence() -> None:
    """Consumers keep the highest sequence applied per source and key (``applied_sequences``);
    on SQLite the outbox's ids, which are the events' sequences, are never reused (AUTOINCREMENT:
    the table is rebuilt with its rows)."""
    op.create_table(
        "applied_sequences",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("previous", sa.BigInteger(), nullable=False, comment="the mark before the last raise"),
        sa.Column("applied_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "source", "key", name=op.f("pk_applied_sequences")),
    )
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_outbox(autoincrement=True)


def undo_dedupe_by_sequence() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_outbox(autoincrement=False)
    op.drop_table("applied_sequences")


def _rebuild_sqlite_outbox(*, autoincrement: bool) -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unsent", **_UNSENT)
    with op.batch_alter_table(
        "outbox", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ) as batch_op:
        pass
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_unsent", ["id"], unique=False, **_UNSENT)
