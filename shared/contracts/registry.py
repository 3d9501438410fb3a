"""One registry of event types: type name → payload model, and model → stream.

``EVENT_TYPES`` are the events KeepWarm's services consume (each about one owner);
``PUBLIC_TYPES`` are the public stream's, for campus tools; ``ALL_TYPES`` both.
"""

from shared.contracts import public
from shared.contracts.base import Event, EventData
from shared.contracts.campus import AdvisingCompleted, EventAttended, MentorMatched
from shared.contracts.contacts import (
    ContactAdded,
    ContactArchived,
    ContactErased,
    ContactUpdated,
    DraftSent,
    ErasureRequested,
    FollowUpCancelled,
    FollowUpCompleted,
    FollowUpScheduled,
    GoalProgressed,
    GoalReached,
    InteractionDeleted,
    InteractionLogged,
    InteractionUpdated,
    InterviewPrepared,
)
from shared.contracts.habits import (
    HabitArchived,
    HabitCheckedIn,
    HabitCheckInReverted,
    HabitCreated,
    HabitPaused,
    HabitResumed,
    HabitsErased,
    HabitUpdated,
)
from shared.contracts.notifier import (
    CampusSharingChanged,
    NotifierErased,
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
        ContactErased,
        ErasureRequested,
        InteractionLogged,
        InteractionUpdated,
        InteractionDeleted,
        FollowUpScheduled,
        FollowUpCompleted,
        FollowUpCancelled,
        DraftSent,
        InterviewPrepared,
        GoalProgressed,
        GoalReached,
        HabitCreated,
        HabitUpdated,
        HabitPaused,
        HabitResumed,
        HabitArchived,
        HabitCheckedIn,
        HabitCheckInReverted,
        HabitsErased,
        StreakExtended,
        StreakMilestoneReached,
        StreakBroken,
        NudgeSent,
        NudgeFailed,
        PreferencesChanged,
        CampusSharingChanged,
        NotifierErased,
        EventAttended,
        MentorMatched,
        AdvisingCompleted,
    )
}

PUBLIC_TYPES: dict[str, type[Event]] = {
    model.event_type: model
    for model in (
        public.StudentJoined,
        public.StudentLeft,
        public.ContactMade,
        public.InteractionRecorded,
        public.InteractionCorrected,
        public.InteractionWithdrawn,
        public.FollowUpKept,
        public.MilestoneReached,
        public.WeekSummarized,
    )
}

ALL_TYPES: dict[str, type[Event]] = {**EVENT_TYPES, **PUBLIC_TYPES}


class UnknownEventType(LookupError):
    """Raised for a ``ce_type`` this version of the contracts does not know."""


def event_class(event_type: str) -> type[EventData]:
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def types_on(stream: Stream) -> tuple[type[Event], ...]:
    return tuple(model for model in ALL_TYPES.values() if model.stream is stream)
