"""The contacts tables (this service's own metadata), with its outbox and inbox."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from shared.db.engine import new_metadata
from shared.db.inbox import inbox_tables
from shared.db.outbox import outbox_table
from shared.db.types import UTCDateTime

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_tables(metadata)

contacts = Table(
    "contacts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("company", String(200)),
    Column("company_key", String(200)),
    Column("role", String(200)),
    Column("category", String(32), nullable=False),
    Column("tie", String(16), nullable=False),
    Column("warmth", String(16), nullable=False),
    Column("emails", JSON, nullable=False),
    Column("phones", JSON, nullable=False),
    Column("linkedin_url", String(300)),
    Column("tags", JSON, nullable=False),
    Column("how_met", Text),
    Column("ask", Text),
    Column("why_them", Text),
    Column("notes", Text),
    Column("cadence_override_days", Integer),
    Column("last_interaction_at", UTCDateTime()),
    Column("due_at", UTCDateTime(), nullable=False, comment="when the contact starts going cold"),
    Column("drift_at", UTCDateTime(), comment="when the tie next drifts if nothing happens"),
    Column("archived", Boolean, nullable=False),
    Column("import_key", String(400)),
    Column("origin", String(16), comment="campus: from a campus tool; null: from the owner"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_contacts_owner_name", "owner_id", "name_key", "id"),
    Index("ix_contacts_owner_due", "owner_id", "due_at"),
    Index("ix_contacts_drift", "drift_at"),
    Index("uq_contacts_owner_import_key", "owner_id", "import_key", unique=True),
)

contact_tags = Table(
    "contact_tags",
    metadata,
    Column("contact_id", String(36), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(40), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Index("ix_contact_tags_owner_tag", "owner_id", "tag"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), ForeignKey("contacts.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("give_first_kind", String(32)),
    Column("direction", String(16), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("outcome", String(32)),
    Column("notes", Text),
    Column("takeaway", Text),
    Column("deleted", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("tie_then", String(16), comment="the contact's tie when logged; null before 0003"),
    Column("origin", String(16), comment="campus: from a campus tool; null: from the owner"),
    Index("ix_interactions_owner_contact", "owner_id", "contact_id", "occurred_at"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), ForeignKey("contacts.id"), nullable=False),
    Column("interaction_id", String(36), ForeignKey("interactions.id")),
    Column("title", String(300), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("proposed_times", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_follow_ups_owner_contact", "owner_id", "contact_id"),
    Index("ix_follow_ups_owner_status_due", "owner_id", "status", "due_at"),
)

campus_sharing = Table(
    "campus_sharing",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("sharing", Boolean, nullable=False, comment="the owner opted in to share with their campus"),
    Column("changed_at", UTCDateTime(), nullable=False, comment="when they chose it (newest wins)"),
)

drafts = Table(
    "drafts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), ForeignKey("contacts.id"), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    Column("interaction_id", String(36), ForeignKey("interactions.id")),
    Column("version", Integer, nullable=False),
    Index("ix_drafts_owner_contact", "owner_id", "contact_id"),
)

interviews = Table(
    "interviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), ForeignKey("contacts.id"), nullable=False),
    Column("scheduled_at", UTCDateTime(), nullable=False),
    Column("questions", JSON, nullable=False),
    Column("reminder_id", String(36), comment="the follow-up to send the questions ahead"),
    Column("stage", String(16), nullable=False),
    Column("interaction_id", String(36), ForeignKey("interactions.id")),
    Column("takeaway", Text),
    Column("proposals", JSON, nullable=False, comment="the thank-you and update follow-ups proposed"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_interviews_owner", "owner_id", "scheduled_at"),
)

goals = Table(
    "goals",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("target", Integer, nullable=False),
    Column("role", String(200)),
    Column("month", Date),
    Column("progress", Integer, nullable=False),
    Column("reached_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
)

erasures = Table(
    "erasures",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("requested_at", UTCDateTime(), nullable=False),
    Column("confirmed", JSON, nullable=False, comment="service -> when it confirmed"),
    Column("done_at", UTCDateTime(), comment="when every service had confirmed"),
)
