"""Automatic credit, with small in-memory fakes of the ports: matching interactions earn one
check-in per habit; redelivery, stale versions, edits and deletions converge."""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from services.habits import service
from services.habits.domain.changes import Change, ChangeKind
from services.habits.domain.credit import InteractionFacts
from services.habits.domain.model import CheckIn, Habit
from shared.schedules import Schedule
from shared.vocabulary import Category, Direction, HabitMeasure, InteractionKind, ScheduleKind, Tie

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@dataclass
class FakeWork:
    habit_list: list[Habit] = field(default_factory=list)
    entries: list[CheckIn] = field(default_factory=list)
    memory: dict[str, tuple[int, Tie]] = field(default_factory=dict)
    published: list[Change] = field(default_factory=list)

    # The three repositories are this one object: it is all in memory.
    @property
    def habits(self) -> "FakeWork":
        return self

    @property
    def check_ins(self) -> "FakeWork":
        return self

    @property
    def interactions(self) -> "FakeWork":
        return self

    async def of_owner(self, *, owner_id: str, include_archived: bool) -> list[Habit]:
        return [h for h in self.habit_list if h.owner_id == owner_id and (include_archived or not h.archived)]

    async def credited_for(self, *, owner_id: str, interaction_id: str) -> list[CheckIn]:
        return [e for e in self.entries if e.interaction_id == interaction_id and not e.reverted]

    async def add(self, entry: CheckIn) -> None:
        self.entries.append(entry)

    async def save(self, entry: CheckIn) -> None:
        pass

    async def recall(self, *, owner_id: str, interaction_id: str) -> tuple[int, Tie] | None:
        return self.memory.get(interaction_id)

    async def remember(self, *, owner_id: str, interaction_id: str, version: int, tie_before: Tie) -> None:
        self.memory[interaction_id] = (version, tie_before)

    async def publish(self, change: Change) -> None:
        self.published.append(change)

    def counted(self) -> list[tuple[str, date]]:
        return [(e.habit_id, e.local_date) for e in self.entries if not e.reverted]


def habit(habit_id: str, measure: HabitMeasure, timezone: str = "Europe/Berlin") -> Habit:
    return Habit(
        id=habit_id,
        owner_id="o1",
        name=habit_id,
        measure=measure,
        schedule=Schedule(ScheduleKind.TIMES_PER_WEEK, times=3),
        timezone=timezone,
        start_date=date(2026, 1, 1),
        created_at=NOW,
        updated_at=NOW,
    )


def message(version: int = 1, **changes: object) -> InteractionFacts:
    facts = InteractionFacts(
        interaction_id="i1",
        kind=InteractionKind.MESSAGE,
        direction=Direction.OUTBOUND,
        occurred_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
        category=Category.ALUMNI,
        tie_before=Tie.DORMANT,
        version=version,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


async def credit(work: FakeWork, facts: InteractionFacts, event_id: str = "e1") -> None:
    await service.credit_interaction(work=work, owner_id="o1", facts=facts, event_id=event_id, now=NOW)  # type: ignore[arg-type]


async def test_an_outbound_message_to_a_dormant_contact_credits_both_matching_habits_once() -> None:
    work = FakeWork(
        habit_list=[
            habit("outreach", HabitMeasure.OUTREACH_MESSAGES),
            habit("revive", HabitMeasure.DORMANT_TIES_REVIVED),
            habit("interviews", HabitMeasure.INFORMATIONAL_INTERVIEWS),
            habit("journal", HabitMeasure.FREE_FORM),
        ]
    )
    await credit(work, message())
    await credit(work, message(), event_id="e1-redelivered")
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin
    assert work.counted() == [("outreach", date(2026, 3, 2)), ("revive", date(2026, 3, 2))]
    assert [c.kind for c in work.published] == [ChangeKind.CHECKED_IN, ChangeKind.CHECKED_IN]
    assert work.entries[0].source_event_id == "e1"


async def test_an_edit_that_no_longer_matches_takes_the_credit_back_and_a_stale_event_changes_nothing() -> (
    None
):
    work = FakeWork(habit_list=[habit("outreach", HabitMeasure.OUTREACH_MESSAGES)])
    await credit(work, message(version=1))
    await credit(work, message(version=2, direction=Direction.INBOUND))
    assert work.counted() == []
    await credit(work, message(version=1))  # a late copy of the original
    assert work.counted() == []
    await credit(
        work,
        message(version=3, direction=Direction.OUTBOUND, occurred_at=datetime(2026, 3, 3, 12, tzinfo=UTC)),
    )
    assert work.counted() == [("outreach", date(2026, 3, 3))]
    assert [c.kind for c in work.published] == [
        ChangeKind.CHECKED_IN,
        ChangeKind.CHECK_IN_REVERTED,
        ChangeKind.CHECKED_IN,
    ]


async def test_moving_an_interaction_to_another_day_moves_its_check_in() -> None:
    work = FakeWork(habit_list=[habit("outreach", HabitMeasure.OUTREACH_MESSAGES)])
    await credit(work, message(version=1))
    await credit(work, message(version=2, occurred_at=datetime(2026, 2, 27, 10, tzinfo=UTC)))
    assert work.counted() == [("outreach", date(2026, 2, 27))]


async def test_a_revival_keeps_its_credit_when_the_interaction_is_edited_later() -> None:
    work = FakeWork(habit_list=[habit("revive", HabitMeasure.DORMANT_TIES_REVIVED)])
    await credit(work, message(version=1, tie_before=Tie.DORMANT))
    # after the revival the contact is weak; an edit of the takeaway must not undo the credit
    await credit(work, message(version=2, tie_before=Tie.WEAK))
    assert work.counted() == [("revive", date(2026, 3, 2))]


async def test_a_deleted_interaction_takes_its_credit_back_and_paused_days_earn_nothing() -> None:
    resting = habit("outreach-2", HabitMeasure.OUTREACH_MESSAGES)
    resting.pause(since=date(2026, 3, 1), now=NOW)
    work = FakeWork(habit_list=[habit("outreach", HabitMeasure.OUTREACH_MESSAGES), resting])
    await credit(work, message(version=1))
    assert work.counted() == [("outreach", date(2026, 3, 2))]
    await credit(work, message(version=2, deleted=True))
    assert work.counted() == []
