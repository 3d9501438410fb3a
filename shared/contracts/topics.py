"""Topic names live here and nowhere else.

Each stream has a default topic name; deployments (and tests, which need unique topics) override
them through settings, so no handler ever holds a topic literal.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

DEAD_LETTER_SUFFIX = ".dlq"


class Stream(StrEnum):
    """The logical event streams; a stream maps to one topic through :class:`Topics`."""

    CONTACTS = "contacts"
    HABITS = "habits"
    NOTIFIER = "notifier"
    PUBLIC = "public"
    CAMPUS = "campus"
    CONTACTS_STATE = "contacts_state"
    HABITS_STATE = "habits_state"


STATE_OF = {Stream.CONTACTS: Stream.CONTACTS_STATE, Stream.HABITS: Stream.HABITS_STATE}
"""The compacted state topic that keeps the newest state of every entity a stream tells of."""


class Topics(BaseModel):
    """Topic name per stream. The message key is the owner (student) id, except on the public
    stream, where it is the student's pseudonym, and on state topics, where it is the entity."""

    model_config = ConfigDict(frozen=True)

    contacts: str = "keepwarm.contacts.v1"
    habits: str = "keepwarm.habits.v1"
    notifier: str = "keepwarm.notifier.v1"
    public: str = "keepwarm.public.v1"
    """What campus tools may read: pseudonymous, no personal data, opted-in students only."""
    campus: str = "keepwarm.campus.v1"
    """What campus tools write: events attended, mentors matched, advising completed."""
    contacts_state: str = "keepwarm.contacts.state.v1"
    """Compacted: the newest event of every contact, interaction and follow-up, keyed by entity
    (``contact/<id>``, …); a tombstone when it is deleted or its owner erased."""
    habits_state: str = "keepwarm.habits.state.v1"
    """Compacted: the newest event of every habit and counted check-in (``habit/<id>``,
    ``check_in/<id>``); a tombstone when a check-in is reverted or the owner erased."""

    def of(self, stream: Stream) -> str:
        name: str = getattr(self, stream.value)
        return name

    @property
    def compacted(self) -> frozenset[str]:
        """The state topics: compacted, where the event streams expire."""
        return frozenset(self.of(state) for state in STATE_OF.values())

    @staticmethod
    def dead_letter(topic: str) -> str:
        return topic + DEAD_LETTER_SUFFIX

    @classmethod
    def with_prefix(cls, prefix: str) -> "Topics":
        """Topics whose names all start with ``prefix``: isolates tests and tenants."""
        defaults = cls()
        return cls(**{stream.value: prefix + defaults.of(stream) for stream in Stream})
