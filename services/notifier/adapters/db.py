"""The notifier database: its tables (this service's own metadata) and repositories."""

from shared.db.engine import new_metadata
from shared.db.inbox import inbox_table
from shared.db.outbox import outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
