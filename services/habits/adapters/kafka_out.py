"""Contract events built from habit changes: what leaves the habits service."""

from services.habits.domain.changes import Change, ChangeKind, Erased
from services.habits.domain.model import CheckIn, Habit
from shared.contracts import habits as contract
from shared.contracts.base import EventData

SOURCE = "/keepwarm/habits"


def habit_snapshot(habit: Habit) -> contract.HabitSnapshot:
    return contract.HabitSnapshot(
        id=habit.id,
        name=habit.name,
        measure=habit.measure,
        schedule=contract.Schedule(
            kind=habit.schedule.kind,
            times=habit.schedule.times,
            every_days=habit.schedule.every_days,
            weekdays=habit.schedule.weekdays,
        ),
        timezone=habit.timezone,
        day_start=habit.day_start,
        reminder_time=habit.reminder_time,
        start_date=habit.start_date,
        pauses=tuple(contract.PausePeriod(start=pause.start, end=pause.end) for pause in habit.pauses),
        archived=habit.archived,
        version=habit.version,
    )


def check_in_snapshot(check_in: CheckIn) -> contract.CheckIn:
    return contract.CheckIn(
        id=check_in.id,
        habit_id=check_in.habit_id,
        local_date=check_in.local_date,
        count=check_in.count,
        source=check_in.source,
        source_event_id=check_in.source_event_id,
    )


HABIT_EVENTS: dict[ChangeKind, type[contract.HabitEvent]] = {
    ChangeKind.HABIT_CREATED: contract.HabitCreated,
    ChangeKind.HABIT_PAUSED: contract.HabitPaused,
    ChangeKind.HABIT_RESUMED: contract.HabitResumed,
    ChangeKind.HABIT_ARCHIVED: contract.HabitArchived,
}


def event_of(change: Change | Erased) -> EventData:
    if isinstance(change, Erased):
        return contract.HabitsErased(owner_id=change.owner_id, occurred_at=change.at, recorded_at=change.at)
    common = {
        "owner_id": change.habit.owner_id,
        "occurred_at": change.occurred_at,
        "recorded_at": change.recorded_at,
        "habit": habit_snapshot(change.habit),
    }
    if change.kind is ChangeKind.HABIT_UPDATED:
        return contract.HabitUpdated(**common, changed=change.changed)
    if change.kind in (ChangeKind.CHECKED_IN, ChangeKind.CHECK_IN_REVERTED):
        assert change.check_in is not None
        model = (
            contract.HabitCheckedIn if change.kind is ChangeKind.CHECKED_IN else contract.HabitCheckInReverted
        )
        return model(**common, check_in=check_in_snapshot(change.check_in))
    return HABIT_EVENTS[change.kind](**common)
