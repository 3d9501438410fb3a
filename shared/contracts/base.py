"""The base of every event payload.

An event's body is its data only (CloudEvents binary mode): the envelope travels in Kafka headers.
Payloads are frozen and ignore unknown fields, so a consumer keeps working when a producer adds an
optional field (additive evolution within a version; a breaking change is a new ``.vN`` type).
"""

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.topics import Stream


class Event(BaseModel):
    """Every event: a type name, the stream it travels on, a Kafka key and a subject."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    stream: ClassVar[Stream]

    @property
    def key(self) -> str:
        """The Kafka message key: every event of one key stays in order."""
        raise NotImplementedError

    @property
    def subject(self) -> str:
        """The CloudEvents subject: the id of the entity the event is about."""
        raise NotImplementedError(f"{type(self).__name__} names no subject")

    @property
    def recorded(self) -> AwareDatetime:
        """When the system recorded it: the CloudEvents ``time``."""
        raise NotImplementedError

    @property
    def states(self) -> tuple[str, ...]:
        """The entities (``kind/id``) whose newest state this event carries: the stream's state
        topic keeps it under each of these keys."""
        return ()

    @property
    def ends(self) -> tuple[str, ...]:
        """The entities (``kind/id``) this event deletes: tombstones on the state topic."""
        return ()


def entity_key(kind: str, entity_id: str) -> str:
    """A state topic's key for one entity."""
    return f"{kind}/{entity_id}"


class EventData(Event):
    """An event about one student's data, keyed by the student (the owner) id."""

    owner_id: str = Field(
        min_length=1, max_length=128, description="The student who owns the data; also the Kafka message key."
    )
    occurred_at: AwareDatetime = Field(
        description="When it happened in the world (a backdated coffee chat is backdated)."
    )
    recorded_at: AwareDatetime = Field(description="When the system recorded the change.")

    @property
    def key(self) -> str:
        return self.owner_id

    @property
    def recorded(self) -> AwareDatetime:
        return self.recorded_at
