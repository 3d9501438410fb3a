"""The scheduler's turns: what the clock does when no event arrives. Each step claims its rows
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so several instances share the work."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from services.notifier import calendars, delivery, prompts, streaks


class SchedulerWork(
    prompts.PromptWork, calendars.CalendarWork, streaks.UnitOfWork, delivery.NudgeWork, Protocol
):
    """A unit of work over every store the turn touches."""

    @property
    def calendar(self) -> calendars.CalendarStore: ...


async def nudge_turn(
    *,
    uow: Callable[[], SchedulerWork],
    sender: delivery.Sender,
    now: datetime,
    retry_base: timedelta,
    links: delivery.Links | None = None,
) -> None:
    """Due prompts and reminders become nudges, digests bundle the nudges that wait for them, and
    what is due goes out. The order matters: a nudge made in this turn can go out in it."""
    await prompts.wake_due(uow=uow, now=now)
    await calendars.remind_follow_ups(uow=uow, now=now)
    await streaks.remind_at_risk(uow=uow, now=now)
    await delivery.send_digests(uow=uow, now=now)
    await delivery.deliver(uow=uow, sender=sender, now=now, retry_base=retry_base, links=links)


async def period_turn(*, uow: Callable[[], SchedulerWork], now: datetime) -> int:
    """Habits whose period in progress closed are recomputed (a missed period breaks a streak
    even when no event arrives); returns how many."""
    return await streaks.refresh_closed_periods(uow=uow, now=now)
