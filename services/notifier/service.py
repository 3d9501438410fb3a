"""The notifier's streak use cases: keep a projection of habits and check-ins from the habits
stream, recompute streaks when it changes or when a period closes, and announce the changes."""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.notifier.calendars import FeedRevisions
from services.notifier.domain.announcements import (
    Announcement,
    StreakState,
    TrackedHabit,
    after,
    announce,
)
from services.notifier.domain.streaks import (
    PeriodResult,
    Streaks,
    period_results,
    settle,
    streaks,
)
from services.notifier.domain.strength import strength
from shared.schedules import local_date


@dataclass(frozen=True)
class CheckInRecord:
    id: str
    owner_id: str
    habit_id: str
    day: date
    count: int
    reverted: bool


class Projection(Protocol):
    """The notifier's own copy of habits and check-ins, and the streak state. Bulk operations:
    a consumer batch applies hundreds of events in a handful of statements."""

    async def put_habits(self, habits: Sequence[TrackedHabit]) -> set[str]:
        """Store each habit unless a newer version is stored already; returns the owners of the
        habits that changed."""
        ...

    async def record_check_ins(self, records: Sequence[CheckInRecord]) -> None:
        """Store check-ins; once reverted, a check-in stays reverted whatever arrives later."""
        ...

    async def habits(self, *, habit_ids: Collection[str]) -> dict[str, TrackedHabit]: ...
    async def counts(self, *, after: Mapping[str, date | None]) -> dict[str, dict[date, int]]:
        """Per habit, check-ins per local day that have not been reverted, on the days after the
        habit's date in ``after`` (every day when it is None)."""
        ...

    async def states(self, *, habit_ids: Collection[str]) -> dict[str, StreakState]: ...
    async def put_states(self, states: Sequence[tuple[TrackedHabit, StreakState]]) -> None: ...
    async def due_for_check(self, *, now: datetime, limit: int) -> list[str]:
        """Habits whose period in progress has closed by ``now`` (claimed, on PostgreSQL)."""
        ...

    async def habits_of(self, *, owner_id: str) -> list[TrackedHabit]: ...


class UnitOfWork(Protocol):
    @property
    def projection(self) -> Projection: ...

    @property
    def calendar(self) -> FeedRevisions: ...

    async def publish_all(self, changes: Sequence[tuple[TrackedHabit, Announcement]]) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


async def project(
    *, work: UnitOfWork, habits: Sequence[TrackedHabit], check_ins: Sequence[CheckInRecord], now: datetime
) -> int:
    """Take what the habits stream said into the projection, then refresh the streaks it touched.
    A habit's new version changes its calendar reminder; check-ins do not."""
    await work.calendar.touch(await work.projection.put_habits(habits), now=now)
    await work.projection.record_check_ins(check_ins)
    touched = dict.fromkeys((habit.id for habit in habits), date.max)
    for check_in in check_ins:
        touched[check_in.habit_id] = min(touched.get(check_in.habit_id, date.max), check_in.day)
    return await refresh(work=work, touched=touched, now=now)


async def refresh(*, work: UnitOfWork, touched: Mapping[str, date], now: datetime) -> int:
    """Recompute the streaks of the habits in ``touched`` (each with the earliest day whose
    check-ins changed, ``date.max`` for none) and announce what changed; returns announcements.

    Only the periods after a habit's checkpoint are recomputed, unless a change reaches back
    into them or the habit has a new version (a new plan), which start again from its start."""
    if not touched:
        return 0
    habits = await work.projection.habits(habit_ids=touched)
    states = await work.projection.states(habit_ids=touched)
    todays = {habit_id: _today(habit, now) for habit_id, habit in habits.items()}
    starts = {
        habit_id: states.get(habit_id, StreakState()).resume_from(
            version=habit.version, earliest_change=touched[habit_id], today=todays[habit_id]
        )
        for habit_id, habit in habits.items()
    }
    counts = await work.projection.counts(after={key: start.through for key, start in starts.items()})
    news: list[tuple[TrackedHabit, Announcement]] = []
    updated: list[tuple[TrackedHabit, StreakState]] = []
    for habit_id in sorted(habits):
        habit, start = habits[habit_id], starts[habit_id]
        before, today = states.get(habit_id, StreakState()), todays[habit_id]
        results = period_results(habit.plan, counts.get(habit_id, {}), today, after=start.through)
        current = streaks(results, today, start)
        announced = [] if habit.archived else announce(before, current, results)
        news += [(habit, announcement) for announcement in announced]
        updated.append((habit, after(before, current, habit, announced, settle(results, today, start))))
    await work.publish_all(news)
    await work.projection.put_states(updated)
    return len(news)


async def refresh_closed_periods(*, uow: UnitOfWorkFactory, now: datetime, batch: int = 500) -> int:
    """The clock's part: recompute habits whose period in progress has closed (a missed one breaks
    its streak even when no event arrives)."""
    async with uow() as work:
        due = await work.projection.due_for_check(now=now, limit=batch)
        announced = await refresh(work=work, touched=dict.fromkeys(due, date.max), now=now)
        await work.commit()
    return announced


@dataclass(frozen=True)
class StreakView:
    habit: TrackedHabit
    streaks: Streaks
    strength: float
    last_period: PeriodResult | None


async def overview(*, uow: UnitOfWorkFactory, owner_id: str, now: datetime) -> list[StreakView]:
    async with uow() as work:
        habits = await work.projection.habits_of(owner_id=owner_id)
        counts = await work.projection.counts(after=dict.fromkeys((habit.id for habit in habits), None))
    views = []
    for habit in habits:
        today = _today(habit, now)
        results = period_results(habit.plan, counts.get(habit.id, {}), today)
        views.append(
            StreakView(
                habit,
                streaks(results, today),
                strength(habit.plan, results, today),
                results[-1] if results else None,
            )
        )
    return views


def _today(habit: TrackedHabit, now: datetime) -> date:
    """The owner's local day, never before the habit started."""
    return max(local_date(now, habit.timezone), habit.plan.start_date)
