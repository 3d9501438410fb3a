"""In-memory stores that implement the contacts and habits services' ports, for use-case tests
that need no database (the way a fake unit of work tests a service layer). Copies go in and out,
as a database would hand them."""

from collections.abc import Sequence
from copy import deepcopy
from datetime import date, datetime
from typing import Generic, Protocol, Self, TypeVar

from services.contacts.domain.changes import Change as ContactChange
from services.contacts.domain.changes import ContactErasure, ErasureAsked, GoalChange
from services.contacts.domain.erasure import Erasure
from services.contacts.domain.goals import Counted, Goal
from services.contacts.domain.interviews import Interview
from services.contacts.domain.model import Contact, FollowUp, Interaction
from services.contacts.domain.outreach import Draft
from services.contacts.domain.results import Logged
from services.contacts.ports import ContactQuery, Page
from services.habits.domain.changes import Change, Erased
from services.habits.domain.model import CheckIn, Habit, OwnerSettings
from shared.vocabulary import FollowUpStatus, Tie


class Owned(Protocol):
    id: str
    owner_id: str


E = TypeVar("E", bound=Owned)


class Rows(Generic[E]):
    """Entities by id, each with its owner: copies go in and out."""

    def __init__(self) -> None:
        self.rows: dict[str, E] = {}

    def find(self, owner_id: str, key: str) -> E | None:
        found = self.rows.get(key)
        return deepcopy(found) if found is not None and found.owner_id == owner_id else None

    async def add(self, entity: E) -> None:
        self.rows[entity.id] = deepcopy(entity)

    async def save(self, entity: E) -> None:
        self.rows[entity.id] = deepcopy(entity)


class FakeOwners:
    def __init__(self) -> None:
        self.rows: dict[str, OwnerSettings] = {}

    async def get(self, owner_id: str) -> OwnerSettings | None:
        return self.rows.get(owner_id)

    async def put(self, owner_id: str, settings: OwnerSettings) -> None:
        self.rows[owner_id] = settings


class FakeHabits(Rows[Habit]):
    async def get(self, *, owner_id: str, habit_id: str) -> Habit | None:
        return self.find(owner_id, habit_id)

    async def of_owner(self, *, owner_id: str, include_archived: bool) -> list[Habit]:
        return [
            deepcopy(habit)
            for habit in self.rows.values()
            if habit.owner_id == owner_id and (include_archived or not habit.archived)
        ]


class FakeCheckIns(Rows[CheckIn]):
    async def get(self, *, owner_id: str, check_in_id: str) -> CheckIn | None:
        return self.find(owner_id, check_in_id)

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


class FakeInteractionMemory:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], tuple[int, Tie]] = {}

    async def recall(self, *, owner_id: str, interaction_id: str) -> tuple[int, Tie] | None:
        return self.rows.get((owner_id, interaction_id))

    async def remember(self, *, owner_id: str, interaction_id: str, version: int, tie_before: Tie) -> None:
        self.rows[(owner_id, interaction_id)] = (version, tie_before)

    async def forget(self, *, owner_id: str, interaction_ids: Sequence[str]) -> None:
        for interaction_id in interaction_ids:
            self.rows.pop((owner_id, interaction_id), None)


class FakeHabitsWork:
    """One unit of work over the fakes: what it publishes is kept only once it commits."""

    def __init__(self) -> None:
        self.owners = FakeOwners()
        self.habits = FakeHabits()
        self.check_ins = FakeCheckIns()
        self.interactions = FakeInteractionMemory()
        self.published: list[Change] = []
        self.committed = 0
        self.uncommitted: list[Change] = []

    async def publish(self, change: Change | Erased) -> None:
        if isinstance(change, Change):
            self.uncommitted.append(change)

    async def erase_owner(self, owner_id: str) -> None:
        for store in (self.habits, self.check_ins):
            for key in [key for key, row in store.rows.items() if row.owner_id == owner_id]:
                del store.rows[key]

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


class FakeContacts(Rows[Contact]):
    async def get(self, *, owner_id: str, contact_id: str, for_update: bool = False) -> Contact | None:
        return self.find(owner_id, contact_id)

    async def by_import_keys(self, *, owner_id: str, keys: Sequence[str]) -> dict[str, Contact]:
        return {
            c.import_key: deepcopy(c)
            for c in self.rows.values()
            if c.owner_id == owner_id and c.import_key is not None and c.import_key in keys
        }

    async def search(self, *, owner_id: str, query: ContactQuery, now: datetime) -> Page[Contact]:
        """Every active contact of the owner (the real filters are tested on both databases)."""
        found = [deepcopy(c) for c in self.rows.values() if c.owner_id == owner_id and not c.archived]
        return Page(found, None)

    async def drifting(self, *, now: datetime, limit: int) -> list[Contact]:
        return []

    async def erase(self, contact: Contact) -> tuple[list[str], list[str]]:
        self.rows.pop(contact.id, None)
        return [], []


class FakeInteractions(Rows[Interaction]):
    def __init__(self, contacts: "FakeContacts") -> None:
        super().__init__()
        self.contacts = contacts

    async def logged(self, *, owner_id: str, since: datetime, until: datetime) -> list[Logged]:
        return [
            Logged(
                i.kind,
                i.direction,
                i.outcome,
                i.give_first_kind,
                self.contacts.rows[i.contact_id].tie,
                i.occurred_at,
            )
            for i in self.rows.values()
            if i.owner_id == owner_id and not i.deleted and since <= i.occurred_at < until
        ]

    async def get(self, *, owner_id: str, interaction_id: str) -> Interaction | None:
        return self.find(owner_id, interaction_id)

    async def latest_at(self, *, owner_id: str, contact_id: str) -> datetime | None:
        return max(
            (i.occurred_at for i in await self.of_contact(owner_id=owner_id, contact_id=contact_id)),
            default=None,
        )

    async def of_contact(self, *, owner_id: str, contact_id: str) -> list[Interaction]:
        return [
            deepcopy(i)
            for i in self.rows.values()
            if i.owner_id == owner_id and i.contact_id == contact_id and not i.deleted
        ]


class FakeFollowUps(Rows[FollowUp]):
    async def get(self, *, owner_id: str, follow_up_id: str) -> FollowUp | None:
        return self.find(owner_id, follow_up_id)

    async def of_contact(
        self, *, owner_id: str, contact_id: str, status: FollowUpStatus | None
    ) -> list[FollowUp]:
        return [
            deepcopy(f)
            for f in self.rows.values()
            if f.owner_id == owner_id and f.contact_id == contact_id and status in (None, f.status)
        ]


class FakeDrafts(Rows[Draft]):
    async def get(self, *, owner_id: str, draft_id: str) -> Draft | None:
        return self.find(owner_id, draft_id)

    async def of_owner(self, *, owner_id: str, contact_id: str | None = None) -> list[Draft]:
        return [
            deepcopy(d)
            for d in self.rows.values()
            if d.owner_id == owner_id and contact_id in (None, d.contact_id)
        ]

    async def remove(self, draft: Draft) -> None:
        self.rows.pop(draft.id, None)


class FakeInterviews(Rows[Interview]):
    async def get(self, *, owner_id: str, interview_id: str) -> Interview | None:
        return self.find(owner_id, interview_id)

    async def of_owner(self, *, owner_id: str) -> list[Interview]:
        return [deepcopy(i) for i in self.rows.values() if i.owner_id == owner_id]


class FakeGoals(Rows[Goal]):
    """Goals, counted from the fake contacts (roles only: the monthly counts are tested on both
    databases)."""

    def __init__(self, contacts: "FakeContacts") -> None:
        super().__init__()
        self.contacts = contacts

    async def get(self, *, owner_id: str, goal_id: str) -> Goal | None:
        return self.find(owner_id, goal_id)

    async def of_owner(self, *, owner_id: str) -> list[Goal]:
        return [deepcopy(g) for g in self.rows.values() if g.owner_id == owner_id]

    async def remove(self, goal: Goal) -> None:
        self.rows.pop(goal.id, None)

    async def counted(self, *, owner_id: str, month: date | None) -> Counted:
        roles = tuple(
            c.role
            for c in self.contacts.rows.values()
            if c.owner_id == owner_id and c.role and not c.archived
        )
        return Counted(roles=roles, revived_contacts=frozenset(), interviews=0)


class FakeErasures:
    def __init__(self) -> None:
        self.rows: dict[str, Erasure] = {}

    async def get(self, owner_id: str) -> Erasure | None:
        return deepcopy(self.rows.get(owner_id))

    async def put(self, erasure: Erasure) -> None:
        self.rows[erasure.owner_id] = deepcopy(erasure)


class FakeCampusSharing:
    def __init__(self) -> None:
        self.choices: dict[str, tuple[bool, datetime]] = {}

    async def sharing(self, owner_id: str) -> bool:
        return self.choices.get(owner_id, (False, None))[0]

    async def put(self, owner_id: str, *, sharing: bool, changed_at: datetime) -> None:
        if owner_id not in self.choices or self.choices[owner_id][1] < changed_at:
            self.choices[owner_id] = (sharing, changed_at)


class FakeContactsWork:
    """One unit of work over the contacts fakes; what it publishes is kept once it commits."""

    def __init__(self) -> None:
        self.contacts = FakeContacts()
        self.interactions = FakeInteractions(self.contacts)
        self.follow_ups = FakeFollowUps()
        self.campus = FakeCampusSharing()
        self.drafts = FakeDrafts()
        self.interviews = FakeInterviews()
        self.goals = FakeGoals(self.contacts)
        self.published: list[ContactChange] = []
        self.uncommitted: list[ContactChange] = []
        self.other_changes: list[GoalChange | ContactErasure | ErasureAsked] = []
        self.erasures = FakeErasures()

    async def erase_owner(self, owner_id: str) -> None:
        for store in (
            self.contacts,
            self.interactions,
            self.follow_ups,
            self.drafts,
            self.interviews,
            self.goals,
        ):
            for key in [key for key, row in store.rows.items() if row.owner_id == owner_id]:
                del store.rows[key]

    async def forget_published(self, owner_id: str, *, until: datetime) -> None:
        self.published = [c for c in self.published if c.contact.owner_id != owner_id]

    async def publish(self, change: ContactChange | GoalChange | ContactErasure | ErasureAsked) -> None:
        if isinstance(change, ContactChange):
            self.uncommitted.append(change)
        else:
            self.other_changes.append(change)

    async def commit(self) -> None:
        self.published += self.uncommitted
        self.uncommitted = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.uncommitted = []

    def __call__(self) -> Self:
        return self
