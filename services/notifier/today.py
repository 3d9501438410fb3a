"""Today: everything the student's daily screen shows, read in one unit of work from the
notifier's own projection: whom to reach out to (with a give-first suggestion), follow-ups
overdue and due today, each habit's streak and whether it is still due today, and the prompts
held back with the reason."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from services.notifier import prompts, streaks
from services.notifier.calendars import CalendarStore
from services.notifier.delivery import NudgeStore
from services.notifier.domain.nudges import Preferences
from services.notifier.domain.prompts import PromptStatus
from services.notifier.domain.today import HOLD_REASONS, Day, FollowUpsDue, day_of, follow_ups_due
from services.notifier.prompts import PromptStore, PromptView
from services.notifier.streaks import Projection, StreakView


class TodayWork(Protocol):
    @property
    def prompts(self) -> PromptStore: ...
    @property
    def calendar(self) -> CalendarStore: ...
    @property
    def projection(self) -> Projection: ...
    @property
    def nudges(self) -> NudgeStore: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


@dataclass(frozen=True)
class Today:
    day: Day
    timezone: str
    reach_out: list[PromptView]
    held_back: list[tuple[PromptView, str]]
    follow_ups: FollowUpsDue
    habits: list[StreakView]


async def today(*, uow: Callable[[], TodayWork], owner_id: str, now: datetime) -> Today:
    async with uow() as work:
        settings = (await work.nudges.preferences([owner_id])).get(owner_id, Preferences())
        views = await prompts.views_of(
            work.prompts, owner_id=owner_id, statuses={PromptStatus.DUE, *HOLD_REASONS}, now=now
        )
        items = await work.calendar.follow_up_items(owner_id=owner_id)
        habits = await streaks.views_of(work.projection, owner_id=owner_id, now=now)
    day = day_of(now, timezone=settings.timezone, day_start=settings.day_start)
    return Today(
        day=day,
        timezone=settings.timezone,
        reach_out=[view for view in views if view.status is PromptStatus.DUE],
        held_back=[(view, HOLD_REASONS[view.status]) for view in views if view.status in HOLD_REASONS],
        follow_ups=follow_ups_due(items, day=day, now=now),
        habits=habits,
    )
