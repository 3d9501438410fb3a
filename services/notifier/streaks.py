"""Streak use cases: keep a projection of habits and check-ins from the habits
stream, recompute streaks when it changes or when a period closes, and announce the changes."""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, Self

from services.notifier.calendars import FeedRevisions
from services.notifier.campus import CampusStore, share
from services.notifier.delivery import NudgeStore, enqueue
from services.notifier.domain.announcements import (
    Kind,
    StreakState,
    TrackedHabit,
    next_check,
    replay,
)
from services.notifier.domain.campus import Fact, FactKind
from services.notifier.domain.nudges import Nudge, at_risk_nudge, milestone_nudge
from services.notifier.domain.outgoing import Outgoing, StreakNews
from services.notifier.domain.streaks import PeriodResult, Streaks, period_results, streaks
from services.notifier.domain.strength import strength, strength_history
from shared.errors import NotFound


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

    async def record_check_ins(self, records: Sequence[CheckInRecord]) -> list[tuple[CheckInRecord, int]]:
        """Store check-ins; once reverted, a check-in stays reverted whatever arrives later.
        Returns each record with what it changed its day's count by, in order (0 for a check-in
        stored before, or a revert of one never counted)."""
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

    async def due_for_risk(self, *, now: datetime, limit: int) -> list[str]:
        """Habits whose at-risk reminder time has come (claimed, on PostgreSQL)."""
        ...

    async def clear_risk(self, habit_ids: Collection[str]) -> None: ...

    async def habits_of(self, *, owner_id: str) -> list[TrackedHabit]: ...


class UnitOfWork(Protocol):
    @property
    def projection(self) -> Projection: ...

    @property
    def calendar(self) -> FeedRevisions: ...

    @property
    def nudges(self) -> NudgeStore: ...

    @property
    def campus(self) -> CampusStore: ...

    async def publish_all(self, changes: Sequence[Outgoing]) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


async def project(
    *, work: UnitOfWork, habits: Sequence[TrackedHabit], check_ins: Sequence[CheckInRecord], now: datetime
) -> None:
    """Take what the habits stream said into the projection, then refresh the streaks it touched.
    A habit's new version changes its calendar reminder; check-ins do not."""
    await work.calendar.touch(await work.projection.put_habits(habits), now=now)
    recorded = await work.projection.record_check_ins(check_ins)
    touched = dict.fromkeys((habit.id for habit in habits), date.max)
    changes: dict[str, list[tuple[date, int]]] = {}
    for check_in, delta in recorded:
        touched[check_in.habit_id] = min(touched.get(check_in.habit_id, date.max), check_in.day)
        changes.setdefault(check_in.habit_id, []).append((check_in.day, delta))
    await refresh(work=work, touched=touched, now=now, changes=changes)


Current = dict[str, tuple[TrackedHabit, Streaks]]


async def refresh(
    *,
    work: UnitOfWork,
    touched: Mapping[str, date],
    now: datetime,
    changes: Mapping[str, Sequence[tuple[date, int]]] | None = None,
) -> Current:
    """Recompute the streaks of the habits in ``touched`` (each with the earliest day whose
    check-ins changed, ``date.max`` for none), announce what changed and celebrate milestones;
    returns the streaks now. ``changes`` are the count changes just stored, per habit in stream
    order: they are replayed one by one, so batching changes nothing.

    Only the periods after a habit's checkpoint are recomputed, unless a change reaches back
    into them or the habit has a new version (a new plan), which start again from its start."""
    if not touched:
        return {}
    habits = await work.projection.habits(habit_ids=touched)
    states = await work.projection.states(habit_ids=touched)
    todays = {habit_id: habit.today(now) for habit_id, habit in habits.items()}
    starts = {
        key: states.get(key, StreakState()).resume_from(
            version=h.version, earliest_change=touched[key], today=todays[key]
        )
        for key, h in habits.items()
    }
    counts = await work.projection.counts(after={key: start.through for key, start in starts.items()})
    news: list[StreakNews] = []
    updated: list[tuple[TrackedHabit, StreakState]] = []
    found: Current = {}
    for habit_id in sorted(habits):
        habit = habits[habit_id]
        replayed = replay(
            habit,
            states.get(habit_id, StreakState()),
            start=starts[habit_id],
            counts=counts.get(habit_id, {}),
            changes=(changes or {}).get(habit_id, ()),
            today=todays[habit_id],
        )
        found[habit_id] = (habit, replayed.streaks)
        news += [StreakNews(habit, announcement) for announcement in replayed.announcements]
        updated.append((habit, replayed.state))
    await work.publish_all(news)
    await work.projection.put_states(updated)
    await enqueue(work=work, nudges=_milestone_nudges(news), now=now)
    await share(work=work, facts=_milestone_facts(news, now), now=now)
    return found


def _milestone_facts(news: Sequence[StreakNews], now: datetime) -> list[Fact]:
    """What a campus may know of each milestone: that one was reached, which, and the day."""
    return [
        Fact(
            id=f"milestone:{n.habit.id}:{n.announcement.period.period.end}:{n.announcement.milestone}",
            owner_id=n.habit.owner_id,
            kind=FactKind.MILESTONE,
            at=now,
            on=n.announcement.period.period.end,
            milestone=n.announcement.milestone,
        )
        for n in news
        if n.announcement.kind is Kind.MILESTONE and n.announcement.milestone is not None
    ]


def _milestone_nudges(news: Sequence[StreakNews]) -> list[Nudge]:
    """A nudge to celebrate each milestone reached."""
    return [
        milestone_nudge(
            owner_id=n.habit.owner_id,
            habit_id=n.habit.id,
            name=n.habit.name,
            milestone=n.announcement.milestone,
            period_end=n.announcement.period.period.end,
        )
        for n in news
        if n.announcement.kind is Kind.MILESTONE and n.announcement.milestone is not None
    ]


async def refresh_closed_periods(*, uow: UnitOfWorkFactory, now: datetime, batch: int = 500) -> int:
    """The clock's part: recompute habits whose period in progress has closed (a missed one breaks
    its streak even when no event arrives); returns how many."""
    async with uow() as work:
        due = await work.projection.due_for_check(now=now, limit=batch)
        await refresh(work=work, touched=dict.fromkeys(due, date.max), now=now)
        await work.commit()
    return len(due)


async def remind_at_risk(*, uow: UnitOfWorkFactory, now: datetime, batch: int = 500) -> int:
    """Late on the last day of a period, nudge about habits still short of their target;
    returns how many nudges were made."""
    async with uow() as work:
        due = await work.projection.due_for_risk(now=now, limit=batch)
        current = await refresh(work=work, touched=dict.fromkeys(due, date.max), now=now)
        nudges = [
            at_risk_nudge(
                owner_id=habit.owner_id,
                habit_id=habit.id,
                name=habit.name,
                left=found.in_progress.target - found.in_progress.done,
                streak=found.current,
                period_end=found.in_progress.period.end,
                expires_at=next_check(habit, found) or now,
            )
            for habit, found in current.values()
            if found.at_risk and found.in_progress is not None and not habit.archived
        ]
        await enqueue(work=work, nudges=nudges, now=now)
        await work.projection.clear_risk(due)
        await work.commit()
    return len(nudges)


@dataclass(frozen=True)
class StreakView:
    habit: TrackedHabit
    streaks: Streaks
    strength: float
    last_period: PeriodResult | None


async def overview(*, uow: UnitOfWorkFactory, owner_id: str, now: datetime) -> list[StreakView]:
    async with uow() as work:
        return await views_of(work.projection, owner_id=owner_id, now=now)


async def views_of(projection: Projection, *, owner_id: str, now: datetime) -> list[StreakView]:
    """Each of the owner's habits with its streaks, strength and newest period."""
    habits = await projection.habits_of(owner_id=owner_id)
    counts = await projection.counts(after=dict.fromkeys((habit.id for habit in habits), None))
    views = []
    for habit in habits:
        today = habit.today(now)
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


async def strength_over_time(
    *, uow: UnitOfWorkFactory, owner_id: str, habit_id: str, now: datetime, days: int
) -> tuple[TrackedHabit, list[tuple[date, float]]]:
    """The habit and its strength at the end of each period of the last ``days`` days."""
    async with uow() as work:
        habit = (await work.projection.habits(habit_ids=[habit_id])).get(habit_id)
        if habit is None or habit.owner_id != owner_id:
            raise NotFound("habit")
        counts = await work.projection.counts(after={habit_id: None})
    today = habit.today(now)
    history = strength_history(habit.plan, period_results(habit.plan, counts.get(habit_id, {}), today), today)
    return habit, [(day, score) for day, score in history if (today - day).days < days]
