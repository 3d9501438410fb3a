"""The habits use cases. Each runs in one unit of work: the change and its event commit together.
Every use case is scoped by owner: another owner's ids are simply not found."""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from services.habits.domain.changes import Change, ChangeKind, Erased
from services.habits.domain.commands import HabitChanges, NewHabit
from services.habits.domain.credit import InteractionFacts
from services.habits.domain.model import CheckIn, Habit, OwnerSettings
from shared.errors import DomainError, NotFound
from shared.schedules import Period, local_date, periods_between
from shared.vocabulary import CheckInSource, Tie

MAX_HISTORY_DAYS = 400


class HabitRepository(Protocol):
    async def get(self, *, owner_id: str, habit_id: str) -> Habit | None: ...
    async def add(self, habit: Habit) -> None: ...
    async def save(self, habit: Habit) -> None: ...
    async def of_owner(self, *, owner_id: str, include_archived: bool) -> list[Habit]: ...


class CheckInRepository(Protocol):
    async def get(self, *, owner_id: str, check_in_id: str) -> CheckIn | None: ...
    async def add(self, check_in: CheckIn) -> None: ...
    async def save(self, check_in: CheckIn) -> None: ...
    async def between(self, *, owner_id: str, habit_id: str, first: date, last: date) -> list[CheckIn]:
        """Check-ins that count (not reverted) from ``first`` to ``last``, oldest first."""
        ...

    async def credited_for(self, *, owner_id: str, interaction_id: str) -> list[CheckIn]:
        """Automatic check-ins (not reverted) earned by one interaction."""
        ...


class InteractionMemory(Protocol):
    """What was learnt of each interaction so far: its newest applied version, and the contact's
    tie when it was first logged (later edits must not forget that it revived a dormant tie)."""

    async def recall(self, *, owner_id: str, interaction_id: str) -> tuple[int, Tie] | None: ...
    async def remember(
        self, *, owner_id: str, interaction_id: str, version: int, tie_before: Tie
    ) -> None: ...
    async def forget(self, *, owner_id: str, interaction_ids: Sequence[str]) -> None: ...


class OwnerSettingsStore(Protocol):
    async def get(self, owner_id: str) -> OwnerSettings | None: ...
    async def put(self, owner_id: str, settings: OwnerSettings) -> None: ...


class UnitOfWork(Protocol):
    @property
    def owners(self) -> OwnerSettingsStore: ...

    @property
    def habits(self) -> HabitRepository: ...
    @property
    def check_ins(self) -> CheckInRepository: ...
    @property
    def interactions(self) -> InteractionMemory: ...

    async def publish(self, change: Change | Erased) -> None: ...
    async def erase_owner(self, owner_id: str) -> None:
        """Delete every row about the owner, and the owner's outbox rows."""
        ...

    async def commit(self) -> None: ...
    async def __aenter__(self) -> "UnitOfWork": ...
    async def __aexit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


def new_id() -> str:
    return str(uuid.uuid4())


async def create_habit(*, uow: UnitOfWorkFactory, owner_id: str, fields: NewHabit, now: datetime) -> Habit:
    """A new habit: in the owner's zone unless ``fields`` names one, counting days the way the
    owner's day starts."""
    async with uow() as work:
        owner = await work.owners.get(owner_id) or OwnerSettings()
        timezone = fields.get("timezone") or owner.timezone
        habit = Habit(
            id=new_id(),
            owner_id=owner_id,
            name=fields["name"],
            measure=fields["measure"],
            schedule=fields["schedule"],
            timezone=timezone,
            zone_is_owners=not fields.get("timezone"),
            start_date=fields.get("start_date") or local_date(now, timezone, owner.day_start),
            description=fields.get("description"),
            reminder_time=fields.get("reminder_time"),
            rule=fields.get("rule"),
            created_at=now,
            updated_at=now,
            day_start=owner.day_start,
        )
        habit.check_start(habit.today(now))
        await work.habits.add(habit)
        await work.publish(Change(ChangeKind.HABIT_CREATED, habit, now, now))
        await work.commit()
    return habit


async def get_habit(*, uow: UnitOfWorkFactory, owner_id: str, habit_id: str) -> Habit:
    async with uow() as work:
        return await _habit(work, owner_id, habit_id)


async def list_habits(*, uow: UnitOfWorkFactory, owner_id: str, include_archived: bool) -> list[Habit]:
    async with uow() as work:
        return await work.habits.of_owner(owner_id=owner_id, include_archived=include_archived)


async def update_habit(
    *, uow: UnitOfWorkFactory, owner_id: str, habit_id: str, changes: HabitChanges, now: datetime
) -> Habit:
    """Edit a habit. A new time zone applies from now on: past check-ins keep their dates."""
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        changed = habit.edit(changes, now=now)
        if "start_date" in changed:
            habit.check_start(habit.today(now))
        if changed:
            await work.habits.save(habit)
            await work.publish(Change(ChangeKind.HABIT_UPDATED, habit, now, now, changed=changed))
            await work.commit()
        return habit


async def pause_habit(
    *, uow: UnitOfWorkFactory, owner_id: str, habit_id: str, since: date | None, now: datetime
) -> Habit:
    """Pause from ``since`` (default: today in the owner's zone): rest days neither count nor break."""
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        habit.pause(since=since or habit.today(now), now=now)
        await work.habits.save(habit)
        await work.publish(Change(ChangeKind.HABIT_PAUSED, habit, now, now))
        await work.commit()
        return habit


async def resume_habit(*, uow: UnitOfWorkFactory, owner_id: str, habit_id: str, now: datetime) -> Habit:
    """End the running pause: today counts again."""
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        habit.resume(last_paused_day=habit.today(now) - timedelta(days=1), now=now)
        await work.habits.save(habit)
        await work.publish(Change(ChangeKind.HABIT_RESUMED, habit, now, now))
        await work.commit()
        return habit


async def archive_habit(*, uow: UnitOfWorkFactory, owner_id: str, habit_id: str, now: datetime) -> Habit:
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        habit.archive(now=now)
        await work.habits.save(habit)
        await work.publish(Change(ChangeKind.HABIT_ARCHIVED, habit, now, now))
        await work.commit()
        return habit


async def check_in(
    *, uow: UnitOfWorkFactory, owner_id: str, habit_id: str, day: date | None, count: int, now: datetime
) -> CheckIn:
    """A manual check-in for ``day`` (default today in the owner's zone); not in the future, and
    only on a day that counts."""
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        today = habit.today(now)
        day = day or today
        if day > today:
            raise DomainError("a check-in cannot be for a future day", field="date")
        if not habit.counts_on(day):
            raise DomainError(f"{habit.name!r} does not count on {day.isoformat()}", field="date")
        entry = CheckIn(
            id=new_id(),
            owner_id=owner_id,
            habit_id=habit.id,
            local_date=day,
            count=count,
            source=CheckInSource.MANUAL,
            created_at=now,
        )
        await work.check_ins.add(entry)
        await work.publish(Change(ChangeKind.CHECKED_IN, habit, now, now, check_in=entry))
        await work.commit()
        return entry


async def undo_check_in(
    *, uow: UnitOfWorkFactory, owner_id: str, habit_id: str, check_in_id: str, now: datetime
) -> None:
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        entry = await work.check_ins.get(owner_id=owner_id, check_in_id=check_in_id)
        if entry is None or entry.habit_id != habit.id:
            raise NotFound("check-in")
        entry.revert()
        await work.check_ins.save(entry)
        await work.publish(Change(ChangeKind.CHECK_IN_REVERTED, habit, now, now, check_in=entry))
        await work.commit()


async def list_check_ins(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    habit_id: str,
    first: date | None,
    last: date | None,
    now: datetime,
) -> list[CheckIn]:
    """Check-ins that count from ``first`` to ``last`` (default: the last four weeks)."""
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        first, last = _range(habit, first, last, now)
        return await work.check_ins.between(owner_id=owner_id, habit_id=habit_id, first=first, last=last)


@dataclass(frozen=True)
class PeriodProgress:
    period: Period
    done: int
    paused_days: int

    @property
    def met(self) -> bool:
        return self.done >= self.period.target


async def history(
    *,
    uow: UnitOfWorkFactory,
    owner_id: str,
    habit_id: str,
    first: date | None,
    last: date | None,
    now: datetime,
) -> list[PeriodProgress]:
    """Each period overlapping ``first``…``last`` (default: the last four weeks): its target, what
    was done, and paused days."""
    async with uow() as work:
        habit = await _habit(work, owner_id, habit_id)
        first, last = _range(habit, first, last, now)
        periods = periods_between(habit.schedule, habit.start_date, first, last)
        if not periods:
            return []
        entries = await work.check_ins.between(
            owner_id=owner_id, habit_id=habit_id, first=periods[0].start, last=periods[-1].end
        )
    progress = []
    for period in periods:
        days = [period.start + timedelta(days=n) for n in range((period.end - period.start).days + 1)]
        done = sum(
            entry.count
            for entry in entries
            if entry.local_date in period and habit.counts_on(entry.local_date)
        )
        paused = sum(1 for day in days if any(pause.covers(day) for pause in habit.pauses))
        progress.append(PeriodProgress(period, done, paused))
    return progress


async def credit_interaction(
    *, work: UnitOfWork, owner_id: str, facts: InteractionFacts, event_id: str, now: datetime
) -> None:
    """Bring the owner's automatic check-ins in line with what is known of one interaction: a
    matching interaction earns one check-in per habit whose rule it meets, on its local day; one
    that no longer matches (edited, deleted) takes it back. A stale version changes nothing, so
    late and repeated events converge to the same state."""
    recalled = await work.interactions.recall(owner_id=owner_id, interaction_id=facts.interaction_id)
    if recalled is not None:
        seen_version, first_tie = recalled
        if facts.version <= seen_version:
            return
        facts = replace(facts, tie_before=first_tie)
    await work.interactions.remember(
        owner_id=owner_id,
        interaction_id=facts.interaction_id,
        version=facts.version,
        tie_before=facts.tie_before,
    )
    credited = {
        entry.habit_id: entry
        for entry in await work.check_ins.credited_for(owner_id=owner_id, interaction_id=facts.interaction_id)
    }
    for habit in await work.habits.of_owner(owner_id=owner_id, include_archived=False):
        rule = habit.credit_rule
        day = local_date(facts.occurred_at, habit.timezone, habit.day_start)
        deserved = not facts.deleted and rule is not None and rule.matches(facts) and habit.counts_on(day)
        existing = credited.get(habit.id)
        if existing is not None and (not deserved or existing.local_date != day):
            existing.revert()
            await work.check_ins.save(existing)
            await work.publish(Change(ChangeKind.CHECK_IN_REVERTED, habit, now, now, check_in=existing))
            existing = None
        if deserved and existing is None:
            entry = CheckIn(
                id=new_id(),
                owner_id=owner_id,
                habit_id=habit.id,
                local_date=day,
                count=1,
                source=CheckInSource.AUTOMATIC,
                created_at=now,
                source_event_id=event_id,
                interaction_id=facts.interaction_id,
            )
            await work.check_ins.add(entry)
            await work.publish(Change(ChangeKind.CHECKED_IN, habit, facts.occurred_at, now, check_in=entry))


def _range(habit: Habit, first: date | None, last: date | None, now: datetime) -> tuple[date, date]:
    last = last or habit.today(now)
    first = first or last - timedelta(days=27)
    if last < first:
        raise DomainError("'to' is before 'from'", field="to")
    if (last - first).days > MAX_HISTORY_DAYS:
        raise DomainError(f"ask for at most {MAX_HISTORY_DAYS} days at a time", field="to")
    return first, last


async def forget_interactions(
    *, work: UnitOfWork, owner_id: str, interaction_ids: Sequence[str], now: datetime
) -> None:
    """Interactions deleted for good (their contact was erased): the check-ins they earned are
    taken back, and nothing is kept of them."""
    for interaction_id in interaction_ids:
        for entry in await work.check_ins.credited_for(owner_id=owner_id, interaction_id=interaction_id):
            habit = await work.habits.get(owner_id=owner_id, habit_id=entry.habit_id)
            if habit is None:
                continue
            entry.revert()
            await work.check_ins.save(entry)
            await work.publish(Change(ChangeKind.CHECK_IN_REVERTED, habit, now, now, check_in=entry))
    await work.interactions.forget(owner_id=owner_id, interaction_ids=interaction_ids)


async def erase_owner(*, work: UnitOfWork, owner_id: str, now: datetime) -> None:
    """Everything about the owner goes (habits, check-ins, what was learnt of their
    interactions, their settings, their unsent events), and the erasure is confirmed."""
    await work.erase_owner(owner_id)
    await work.publish(Erased(owner_id, now))


async def _habit(work: UnitOfWork, owner_id: str, habit_id: str) -> Habit:
    habit = await work.habits.get(owner_id=owner_id, habit_id=habit_id)
    if habit is None:
        raise NotFound("habit")
    return habit


async def follow_owner_settings(
    *, work: UnitOfWork, owner_id: str, settings: OwnerSettings, now: datetime
) -> None:
    """The owner set their zone or day start: remember them for new habits, and move the habits
    that follow the owner's zone (and every habit's day start) with them."""
    await work.owners.put(owner_id, settings)
    for habit in await work.habits.of_owner(owner_id=owner_id, include_archived=False):
        changed = habit.follow_owner(timezone=settings.timezone, day_start=settings.day_start, now=now)
        if changed:
            await work.habits.save(habit)
            await work.publish(Change(ChangeKind.HABIT_UPDATED, habit, now, now, changed=changed))
