"""The notifier's tables: its projections of the habits and contacts streams, streak state,
calendar feeds, keep-alive prompts, and nudge delivery (preferences, channels, nudges, attempts),
with its outbox and inbox."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    false,
    text,
)

from shared.db.engine import new_metadata
from shared.db.inbox import inbox_tables
from shared.db.outbox import outbox_table
from shared.db.types import UTCDateTime

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_tables(metadata)

habits = Table(
    "habits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("day_start", Time, nullable=False, server_default="00:00:00"),
    Column("schedule", JSON, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("pauses", JSON, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), comment="recorded time of the newest version"),
)

check_ins = Table(
    "check_ins",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("habit_id", String(36), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("reverted", Boolean, nullable=False),
    Index("ix_check_ins_habit", "habit_id", "local_date"),
)

streaks = Table(
    "streaks",
    metadata,
    Column("habit_id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("current", Integer, nullable=False),
    Column("longest", Integer, nullable=False),
    Column("broken_period_start", Date),
    Column("next_check_at", UTCDateTime(), comment="when the period in progress closes"),
    Column("settled_through", Date, comment="last day of the periods folded into settled_*"),
    Column("settled_run", Integer, nullable=False, server_default="0"),
    Column("settled_longest", Integer, nullable=False, server_default="0"),
    Column("plan_version", Integer, comment="the habit version the settled periods were computed for"),
    Column("risk_at", UTCDateTime(), comment="when to remind that the period in progress is still to do"),
    Index("ix_streaks_next_check", "next_check_at"),
    Index("ix_streaks_risk", "risk_at"),
)


contacts = Table(
    "contacts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("display_name", String(200), nullable=False),
    Column("company", String(200)),
    Column("role", String(200)),
    Column("category", String(32), nullable=False),
    Column("tie", String(16), nullable=False),
    Column("warmth", String(8), nullable=False, server_default="warm"),
    Column("tags", JSON, nullable=False),
    Column("cadence_days", Integer, nullable=False),
    Column("last_interaction_at", UTCDateTime()),
    Column("archived", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("direction", String(16), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("takeaway", Text),
    Column("outcome", String(32)),
    Column("deleted", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("contact_id", String(36), nullable=False),
    Column("interaction_id", String(36)),
    Column("title", String(500), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("proposed_times", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
    Column(
        "reminded",
        Boolean,
        nullable=False,
        server_default=false(),
        comment="reminded since its last change (a new version clears it; nudge keys keep one per due time)",
    ),
    Index("ix_follow_ups_owner_status", "owner_id", "status"),
    Index(
        "ix_follow_ups_to_remind",
        "due_at",
        postgresql_where=text("status = 'open' AND NOT reminded"),
        sqlite_where=text("status = 'open' AND NOT reminded"),
    ),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("include", JSON, nullable=False),
    Column("timezone", String(64), comment="null: the owner's zone"),
    Column("reminder_time", Time, nullable=False),
    Column(
        "token_hash",
        String(64),
        nullable=False,
        unique=True,
        comment="SHA-256 of the token",
        info={"secret": True},
    ),
    Column("token_hint", String(16), nullable=False, comment="prefix and last characters, to recognise it"),
    Column("version", Integer, nullable=False, comment="rises when the token or the settings change"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime()),
)

calendar_revisions = Table(
    "calendar_revisions",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("revision", Integer, nullable=False, comment="rises with every change an owner's feeds show"),
    Column("changed_at", UTCDateTime(), nullable=False),
)

prompts = Table(
    "prompts",
    metadata,
    Column("contact_id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False),
    Column("added_at", UTCDateTime(), nullable=False),
    Column("due_at", UTCDateTime(), nullable=False),
    Column("suggestion_kind", String(16), nullable=False),
    Column("suggestion_text", Text, nullable=False),
    Column("suggestion_topic", String(100)),
    Column("previous_kind", String(16)),
    Column("previous_topic", String(100)),
    Column("held", Boolean, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("snoozed_until", UTCDateTime()),
    Column("dismissed", Boolean, nullable=False),
    Column("nudged_for", UTCDateTime()),
    Column("reset_at", UTCDateTime()),
    Column("wake_at", UTCDateTime(), comment="when the scheduler looks next; null: nothing to send"),
    Index("ix_prompts_owner_due", "owner_id", "due_at"),
    Index("ix_prompts_wake", "wake_at"),
)

preferences = Table(
    "preferences",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("timezone", String(64), nullable=False),
    Column("day_start", Time, nullable=False, server_default="00:00:00"),
    Column("quiet_start", Time, nullable=False),
    Column("quiet_end", Time, nullable=False),
    Column("daily_limit", Integer, nullable=False),
    Column("digest", Boolean, nullable=False),
    Column("digest_time", Time, nullable=False),
    Column("cadence", JSON, nullable=False, comment="days per tie, replacing the defaults"),
    Column("style_medium", String(16), comment="online or in_person: how the owner likes to network"),
    Column("style_size", String(16), comment="one_to_one or groups"),
    Column("next_digest_at", UTCDateTime(), index=True),
    Column("updated_at", UTCDateTime(), nullable=False),
)

channels = Table(
    "channels",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(128), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column(
        "url",
        Text,
        nullable=False,
        comment="Apprise URL; may hold a secret: never logged or published",
        info={"secret": True},
    ),
    Column("shown", Text, nullable=False, comment="the URL with its secrets masked"),
    Column("failures", Integer, nullable=False, comment="failed attempts in a row"),
    Column("paused_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False),
)

nudges = Table(
    "nudges",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("key", String(300), nullable=False, unique=True, comment="what it is about: one nudge per key"),
    Column("owner_id", String(128), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject_id", String(128), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("expires_at", UTCDateTime()),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), comment="set while pending: when to try (or the lease's end)"),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    Index("ix_nudges_next_attempt", "next_attempt_at"),
    Index("ix_nudges_owner_status", "owner_id", "status", "sent_at"),
    Index("ix_nudges_subject", "subject_id"),
)

nudge_attempts = Table(
    "nudge_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nudge_id", String(36), index=True, comment="null for a test message"),
    Column("owner_id", String(128), nullable=False),
    Column("channel_id", String(36), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", String(500)),
    Index("ix_nudge_attempts_owner", "owner_id", "id"),
)

campus_members = Table(
    "campus_members",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("sharing", Boolean, nullable=False, comment="opted in to share with their campus"),
    Column("changed_at", UTCDateTime(), nullable=False),
    Column("week_from", Date, comment="the Monday of the next week to summarise"),
    Column("summary_at", UTCDateTime(), index=True, comment="when that week ends: null while not sharing"),
)

campus_facts = Table(
    "campus_facts",
    metadata,
    Column("id", String(100), primary_key=True, comment="the contact, interaction, follow-up or milestone"),
    Column("owner_id", String(128), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("on", Date, nullable=False, comment="the owner's local day"),
    Column("version", Integer, nullable=False),
    Column("interaction_kind", String(32)),
    Column("give_first_kind", String(32)),
    Column("direction", String(16)),
    Column("tie", String(16)),
    Column("category", String(32)),
    Column("warmth", String(8)),
    Column("outcome", String(32)),
    Column("from_campus", Boolean, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("milestone", Integer),
    Index("ix_campus_facts_owner_on", "owner_id", "on"),
)

erasures = Table(
    "erasures",
    metadata,
    Column("owner_id", String(128), primary_key=True),
    Column("contacts_at", UTCDateTime(), comment="when the contacts stream asked (the request)"),
    Column("habits_at", UTCDateTime(), comment="when the habits service said it erased"),
    Column("confirmed_at", UTCDateTime(), comment="when this service confirmed"),
)
