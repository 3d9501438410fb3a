"""The notifier's prompt use cases against in-memory fakes of the stores they use: a prompt follows
its contact, waits out a snooze, is held after unanswered touches, and wakes into one nudge."""

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Self, cast

import pytest

from services.notifier import prompts
from services.notifier.domain.nudges import Nudge, NudgeStatus, Preferences
from services.notifier.domain.prompts import Person, Prompt, PromptStatus, Touch
from services.notifier.prompts import Known, PromptWorkFactory
from shared.errors import DomainError
from shared.vocabulary import Category, Direction, Tie

OWNER = "student-1"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
MET = NOW - timedelta(days=90)


class FakePrompts:
    def __init__(self) -> None:
        self.people: dict[str, Known] = {}
        self.touched: dict[str, list[Touch]] = {}
        self.rows: dict[str, Prompt] = {}

    async def known(self, contact_ids: Collection[str]) -> dict[str, Known]:
        return {key: self.people[key] for key in contact_ids if key in self.people}

    async def touches(self, contact_ids: Collection[str]) -> dict[str, list[Touch]]:
        return {key: self.touched.get(key, []) for key in contact_ids}

    async def prompts(self, contact_ids: Collection[str]) -> dict[str, Prompt]:
        return {key: self.rows[key] for key in contact_ids if key in self.rows}

    async def put(self, found: Sequence[Prompt]) -> None:
        self.rows.update({prompt.contact_id: prompt for prompt in found})

    async def of_owner(self, owner_id: str) -> list[Prompt]:
        return sorted((p for p in self.rows.values() if p.owner_id == owner_id), key=lambda p: p.due_at)

    async def due(self, *, now: datetime, limit: int) -> list[Prompt]:
        waking = [p for p in self.rows.values() if p.wake_at is not None and p.wake_at <= now]
        return sorted(waking, key=lambda p: p.due_at)[:limit]


class FakeNudges:
    """The part of the nudge store the prompt use cases reach: an owner with no channel."""

    def __init__(self) -> None:
        self.made: list[tuple[Nudge, NudgeStatus]] = []
        self.cancelled: list[str] = []

    async def preferences(self, owner_ids: Collection[str]) -> dict[str, Preferences]:
        return {}

    async def channels(self, owner_ids: Collection[str], *, active: bool) -> dict[str, list[object]]:
        return {}

    async def add(self, rows: Sequence[tuple[Nudge, NudgeStatus]], *, now: datetime) -> None:
        known = {nudge.key for nudge, _ in self.made}
        self.made += [(nudge, status) for nudge, status in rows if nudge.key not in known]

    async def cancel(self, *, kind: str, subject_ids: Collection[str]) -> None:
        self.cancelled += subject_ids


class FakePromptWork:
    def __init__(self) -> None:
        self.prompts = FakePrompts()
        self.nudges = FakeNudges()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def __call__(self) -> Self:
        return self


def meet(work: FakePromptWork, *touches: Touch) -> None:
    person = Person(
        "ada", "Ada", Tie.WEAK, Category.PEER, 60, added_at=MET - timedelta(days=30), last_interaction_at=MET
    )
    work.prompts.people["ada"] = Known(OWNER, person, archived=False)
    work.prompts.touched["ada"] = list(touches)


async def test_a_prompt_comes_due_is_snoozed_and_wakes_into_one_nudge() -> None:
    work = FakePromptWork()
    uow = cast(PromptWorkFactory, work)  # the fakes implement what these use cases reach
    meet(work, Touch(Direction.INBOUND, MET))
    await prompts.follow_contacts(work=work, contact_ids=["ada"], now=NOW)  # type: ignore[arg-type]
    [view] = await prompts.list_prompts(uow=uow, owner_id=OWNER, statuses={PromptStatus.DUE}, now=NOW)
    assert view.prompt.due_at == MET + timedelta(days=60)

    with pytest.raises(DomainError):
        await prompts.snooze_prompt(
            uow=uow, owner_id=OWNER, contact_id="ada", until=NOW - timedelta(hours=1), now=NOW
        )
    later = NOW + timedelta(days=2)
    snoozed = await prompts.snooze_prompt(uow=uow, owner_id=OWNER, contact_id="ada", until=later, now=NOW)
    assert snoozed.status is PromptStatus.SNOOZED
    assert await prompts.wake_due(uow=uow, now=NOW) == 0

    assert await prompts.wake_due(uow=uow, now=later) == 1
    assert await prompts.wake_due(uow=uow, now=later + timedelta(hours=1)) == 0  # once per moment
    [(nudge, status)] = work.nudges.made
    assert (nudge.subject_id, status) == ("ada", NudgeStatus.NO_CHANNEL)  # kept for a channel


async def test_two_unanswered_messages_hold_a_contact_until_the_owner_resets_it() -> None:
    work = FakePromptWork()
    uow = cast(PromptWorkFactory, work)
    meet(work, Touch(Direction.OUTBOUND, MET), Touch(Direction.OUTBOUND, MET + timedelta(days=1)))
    await prompts.follow_contacts(work=work, contact_ids=["ada"], now=NOW)  # type: ignore[arg-type]
    assert work.prompts.rows["ada"].held
    assert await prompts.wake_due(uow=uow, now=NOW + timedelta(days=90)) == 0
    released = await prompts.reset_prompt(uow=uow, owner_id=OWNER, contact_id="ada", now=NOW)
    assert released.status is PromptStatus.DUE
    assert not work.prompts.rows["ada"].held
