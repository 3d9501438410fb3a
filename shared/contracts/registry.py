"""One registry of event types: type name → payload model, and model → stream."""

from shared.contracts.base import EventData
from shared.contracts.contacts import (
    ContactAdded,
    ContactArchived,
    ContactUpdated,
    FollowUpCancelled,
    FollowUpCompleted,
    FollowUpScheduled,
    InteractionDeleted,
    InteractionLogged,
    InteractionUpdated,
)
from shared.contracts.habits import (
    HabitArchived,
    HabitCheckedIn,
    HabitCheckInReverted,
    HabitCreated,
    HabitPaused,
    HabitResumed,
    HabitUpdated,
)
from shared.contracts.notifier import (
    NudgeFailed,
    NudgeSent,
    PreferencesChanged,
    StreakBroken,
    StreakExtended,
    StreakMilestoneReached,
)
from shared.contracts.topics import Stream

EVENT_TYPES: dict[str, type[EventData]] = {
    model.event_type: model
    for model in (
        ContactAdded,
        ContactUpdated,
        ContactArchived,
        InteractionLogged,
        InteractionUpdated,
        InteractionDeleted,
        FollowUpScheduled,
        FollowUpCompleted,
        FollowUpCancelled,
        HabitCreated,
        HabitUpdated,
        HabitPaused,
        HabitResumed,
        HabitArchived,
        HabitCheckedIn,
        HabitCheckInReverted,
        StreakExtended,
        StreakMilestoneReached,
        StreakBroken,
        NudgeSent,
        NudgeFailed,
        PreferencesChanged,
    )
}


class UnknownEventType(LookupError):
    """Raised for a ``ce_type`` this version of the contracts does not know."""


def event_class(event_type: str) -> type[EventData]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def types_on(stream: Stream) -> tuple[type[EventData], ...]:
    return tuple(model for model in EVENT_TYPES.values() if model.stream is stream)
