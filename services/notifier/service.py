"""The notifier's streak use cases: keep a projection of habits and check-ins from the habits
stream, recompute streaks when it changes or when a period closes, and announce the changes."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from services.notifier.domain.announcements import (
    Announcement,
    StreakState,
    TrackedHabit,
    after,
    announce,
)
from services.notifier.domain.streaks import PeriodResult, Streaks, period_results, streaks
from services.notifier.domain.strength import strength
from shared.schedules import local_date


class Projection(Protocol):
    async def habit(self, *, habit_id: str) -> TrackedHabit | None: ...
    async def put_habit(self, habit: TrackedHabit) -> None:
        """Store ``habit`` unless a newer version is stored already."""
        ...

    async def record_check_in(
        self, *, check_in_id: str, owner_id: str, habit_id: str, day: date, count: int, reverted: bool
    ) -> None:
        """Store a check-in; once reverted it stays reverted, whatever arrives later."""
        ...

    async def counts(self, *, habit_id: str) -> dict[date, int]:
        """Check-ins per local day that have not been reverted."""
        ...

    async def state(self, *, habit_id: str) -> StreakState: ...
    async def put_state(self, *, habit: TrackedHabit, state: StreakState) -> None: ...
    async def due_for_check(self, *, now: datetime, limit: int) -> list[str]:
        """Habits whose period in progress has closed by ``now`` (claimed, on PostgreSQL)."""
        ...

    async def habits_of(self, *, owner_id: str) -> list[TrackedHabit]: ...


class UnitOfWork(Protocol):
    @property
    def projection(self) -> Projection: ...

    async def publish(self, change: tuple[TrackedHabit, Announcement]) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


async def refresh(*, work: UnitOfWork, habit_ids: Iterable[str], now: datetime) -> int:
    """Recompute the streaks of ``habit_ids`` and announce what changed; returns announcements."""
    announced = 0
    for habit_id in sorted(set(habit_ids)):
        habit = await work.projection.habit(habit_id=habit_id)
        if habit is None:
            continue
        before = await work.projection.state(habit_id=habit_id)
        results, current = await _compute(work, habit, now)
        news = [] if habit.archived else announce(before, current, results)
        for announcement in news:
            await work.publish((habit, announcement))
        today = local_date(now, habit.timezone)
        await work.projection.put_state(
            habit=habit, state=after(before, current, strength(habit.plan, results, today), habit, news)
        )
        announced += len(news)
    return announced


async def refresh_closed_periods(*, uow: UnitOfWorkFactory, now: datetime, batch: int = 500) -> int:
    """The clock's part: recompute habits whose period in progress has closed (a missed one breaks
    its streak even when no event arrives)."""
    async with uow() as work:
        due = await work.projection.due_for_check(now=now, limit=batch)
        announced = await refresh(work=work, habit_ids=due, now=now)
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
        views = []
        for habit in await work.projection.habits_of(owner_id=owner_id):
            results, current = await _compute(work, habit, now)
            today = local_date(now, habit.timezone)
            views.append(
                StreakView(
                    habit, current, strength(habit.plan, results, today), results[-1] if results else None
                )
            )
        return views


async def _compute(
    work: UnitOfWork, habit: TrackedHabit, now: datetime
) -> tuple[list[PeriodResult], Streaks]:
    today = max(local_date(now, habit.timezone), habit.plan.start_date)
    results = period_results(habit.plan, await work.projection.counts(habit_id=habit.id), today)
    return results, streaks(results, today)
