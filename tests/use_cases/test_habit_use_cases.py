"""The habits use cases against in-memory fakes of their ports: no database, no HTTP."""

from datetime import UTC, date, datetime, time

import pytest

from services.habits import service
from services.habits.domain.changes import ChangeKind
from services.habits.domain.commands import NewHabit
from services.habits.domain.credit import InteractionFacts
from services.habits.domain.model import OwnerSettings
from shared.errors import DomainError, NotFound
from shared.schedules import Schedule
from shared.vocabulary import Category, Direction, HabitMeasure, InteractionKind, ScheduleKind, Tie
from tests.use_cases.fakes import FakeHabitsWork

OWNER = "student-1"
NOW = datetime(2026, 3, 10, 23, 45, tzinfo=UTC)  # 00:45 on the 11th in Berlin
DAILY = NewHabit(
    name="Reach out", measure=HabitMeasure.OUTREACH_MESSAGES, schedule=Schedule(ScheduleKind.DAILY)
)
SINCE_MARCH = NewHabit(**DAILY, timezone="UTC", start_date=date(2026, 3, 1))


def outreach(version: int = 1, *, deleted: bool = False, at: datetime = NOW) -> InteractionFacts:
    return InteractionFacts(
        interaction_id="i1",
        kind=InteractionKind.MESSAGE,
        direction=Direction.OUTBOUND,
        occurred_at=at,
        category=Category.PEER,
        tie_before=Tie.WEAK,
        version=version,
        deleted=deleted,
    )


async def test_a_new_habit_takes_the_owners_zone_and_day_start() -> None:
    work = FakeHabitsWork()
    await service.follow_owner_settings(
        work=work, owner_id=OWNER, settings=OwnerSettings("Europe/Berlin", time(4)), now=NOW
    )
    habit = await service.create_habit(uow=work, owner_id=OWNER, fields=DAILY, now=NOW)
    assert (habit.timezone, habit.zone_is_owners, habit.day_start) == ("Europe/Berlin", True, time(4))
    assert habit.start_date == date(2026, 3, 10)  # before 04:00 it is still the 10th
    assert [change.kind for change in work.published] == [ChangeKind.HABIT_CREATED]


async def test_an_interaction_credits_once_and_its_deletion_takes_it_back() -> None:
    work = FakeHabitsWork()
    habit = await service.create_habit(uow=work, owner_id=OWNER, fields=SINCE_MARCH, now=NOW)
    await service.credit_interaction(work=work, owner_id=OWNER, facts=outreach(), event_id="e1", now=NOW)
    await service.credit_interaction(work=work, owner_id=OWNER, facts=outreach(), event_id="e1", now=NOW)
    [entry] = work.check_ins.rows.values()
    assert (entry.habit_id, entry.local_date, entry.reverted) == (habit.id, date(2026, 3, 10), False)

    await service.credit_interaction(
        work=work, owner_id=OWNER, facts=outreach(2, deleted=True), event_id="e2", now=NOW
    )
    assert [c.reverted for c in work.check_ins.rows.values()] == [True]
    assert [change.kind for change in work.uncommitted] == [
        ChangeKind.CHECKED_IN,
        ChangeKind.CHECK_IN_REVERTED,
    ]


async def test_a_check_in_is_refused_for_a_future_day_and_another_owners_habit_is_not_found() -> None:
    work = FakeHabitsWork()
    habit = await service.create_habit(uow=work, owner_id=OWNER, fields=SINCE_MARCH, now=NOW)
    with pytest.raises(DomainError) as refused:
        await service.check_in(
            uow=work, owner_id=OWNER, habit_id=habit.id, day=date(2026, 3, 12), count=1, now=NOW
        )
    assert refused.value.field == "date"
    yesterday = await service.check_in(
        uow=work, owner_id=OWNER, habit_id=habit.id, day=date(2026, 3, 9), count=1, now=NOW
    )
    assert yesterday.local_date == date(2026, 3, 9)
    with pytest.raises(NotFound):
        await service.check_in(uow=work, owner_id="student-2", habit_id=habit.id, day=None, count=1, now=NOW)
