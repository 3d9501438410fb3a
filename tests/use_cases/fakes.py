"""In-memory stores that implement the habits service's ports, for use-case tests that need no
database (the way a fake unit of work tests a service layer). Copies go in and out, as a
database would hand them."""

from copy import deepcopy
from datetime import date
from typing import Self

from services.habits.domain.changes import Change
from services.habits.domain.model import CheckIn, Habit, OwnerSettings
from shared.vocabulary import Tie


class FakeOwners:
    def __init__(self) -> None:
        self.rows: dict[str, OwnerSettings] = {}

    async def get(self, owner_id: str) -> OwnerSettings | None:
        return self.rows.get(owner_id)

    async def put(self, owner_id: str, settings: OwnerSettings) -> None:
        self.rows[owner_id] = settings


class FakeHabits:
    def __init__(self) -> None:
        self.rows: dict[str, Habit] = {}

    async def get(self, *, owner_id: str, habit_id: str) -> Habit | None:
        found = self.rows.get(habit_id)
        return deepcopy(found) if found is not None and found.owner_id == owner_id else None

    async def add(self, habit: Habit) -> None:
        self.rows[habit.id] = deepcopy(habit)

    async def save(self, habit: Habit) -> None:
        self.rows[habit.id] = deepcopy(habit)

    async def of_owner(self, *, owner_id: str, include_archived: bool) -> list[Habit]:
        return [
            deepcopy(habit)
            for habit in self.rows.values()
            if habit.owner_id == owner_id and (include_archived or not habit.archived)
        ]


class FakeCheckIns:
    def __init__(self) -> None:
        self.rows: dict[str, CheckIn] = {}

    async def get(self, *, owner_id: str, check_in_id: str) -> CheckIn | None:
        found = self.rows.get(check_in_id)
        return deepcopy(found) if found is not None and found.owner_id == owner_id else None

    async def add(self, check_in: CheckIn) -> None:
        self.rows[check_in.id] = deepcopy(check_in)

    async def save(self, check_in: CheckIn) -> None:
        self.rows[check_in.id] = deepcopy(check_in)

    async def between(self, *, owner_id: str, habit_id: str, first: date, last: date) -> list[CheckIn]:
        return sorted(
            (
                deepcopy(c)
                for c in self.rows.values()
                if c.owner_id == owner_id and c.habit_id == habit_id and not c.reverted
                if first <= c.local_date <= last
            ),
            key=lambda c: c.local_date,
        )

    async def credited_for(self, *, owner_id: str, interaction_id: str) -> list[CheckIn]:
        return [
            deepcopy(c)
            for c in self.rows.values()
            if c.owner_id == owner_id and c.interaction_id == interaction_id and not c.reverted
        ]


class FakeInteractions:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], tuple[int, Tie]] = {}

    async def recall(self, *, owner_id: str, interaction_id: str) -> tuple[int, Tie] | None:
        return self.rows.get((owner_id, interaction_id))

    async def remember(self, *, owner_id: str, interaction_id: str, version: int, tie_before: Tie) -> None:
        self.rows[(owner_id, interaction_id)] = (version, tie_before)


class FakeHabitsWork:
    """One unit of work over the fakes: what it publishes is kept only once it commits."""

    def __init__(self) -> None:
        self.owners = FakeOwners()
        self.habits = FakeHabits()
        self.check_ins = FakeCheckIns()
        self.interactions = FakeInteractions()
        self.published: list[Change] = []
        self.committed = 0
        self.uncommitted: list[Change] = []

    async def publish(self, change: Change) -> None:
        self.uncommitted.append(change)

    async def commit(self) -> None:
        self.published += self.uncommitted
        self.uncommitted = []
        self.committed += 1

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.uncommitted = []

    def __call__(self) -> Self:
        """The fake is its own factory: every use case gets the same stores."""
        return self
