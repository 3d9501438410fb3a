"""Campus use cases: a student opts in or out of sharing with their campus; what a sharing
student does goes out on the public stream as facts (no personal data), with a summary of each
week; and career services read cohort figures over the students who share.

Nothing of a student who does not share is stored here or published; opting out deletes what
was stored for them and says, once, that they left.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, Self

from services.notifier.delivery import NudgeStore
from services.notifier.domain.campus import (
    Cell,
    Fact,
    Member,
    dated,
    joined,
    left,
    next_week,
    reply_rate,
    streak_distribution,
    week_of,
    week_summary,
)
from services.notifier.domain.nudges import Preferences
from services.notifier.domain.outgoing import (
    FactShared,
    MembershipShared,
    Outgoing,
    SharingChanged,
    WeekShared,
)
from shared.schedules import local_date


@dataclass(frozen=True)
class ActiveDay:
    owner_id: str
    on: date
    interactions: int


@dataclass(frozen=True)
class OutboundTotals:
    """Outbound interactions of one tie and kind over sharing students."""

    tie: str
    kind: str
    students: int
    outbound: int
    answered: int


class CampusStore(Protocol):
    async def members(self, owner_ids: Collection[str]) -> dict[str, Member]: ...
    async def put_member(self, member: Member) -> None: ...
    async def forget(self, owner_id: str) -> None:
        """Delete every fact stored about the owner."""
        ...

    async def facts(self, ids: Collection[str]) -> dict[str, Fact]: ...
    async def put_facts(self, facts: Sequence[Fact]) -> None: ...
    async def facts_between(self, owner_id: str, *, first: date, last: date) -> list[Fact]: ...
    async def longest_current_streaks(self, owner_ids: Collection[str] | None) -> dict[str, int]:
        """Each owner's longest current streak (of sharing owners, when ``owner_ids`` is None)."""
        ...

    async def due_weeks(self, *, now: datetime, limit: int) -> list[Member]:
        """Sharing members whose week to summarise has ended (claimed, on PostgreSQL)."""
        ...

    async def active_days(self, *, since: date) -> list[ActiveDay]:
        """Per sharing owner and local day since ``since``, the interactions that happened."""
        ...

    async def outbound_totals(self, *, since: date) -> list[OutboundTotals]: ...


class CampusWork(Protocol):
    @property
    def campus(self) -> CampusStore: ...

    @property
    def nudges(self) -> NudgeStore: ...

    async def publish_all(self, changes: Sequence[Outgoing]) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


CampusWorkFactory = Callable[[], CampusWork]


async def sharing_of(*, uow: CampusWorkFactory, owner_id: str) -> Member | None:
    async with uow() as work:
        return (await work.campus.members([owner_id])).get(owner_id)


async def set_sharing(*, uow: CampusWorkFactory, owner_id: str, share: bool, now: datetime) -> Member:
    """Opt in or out (setting what is already set, or opting out without ever having opted in,
    changes nothing). Opting in starts the public
    stream for the owner with ``student.joined``; opting out deletes what was kept for them and
    ends it with ``student.left``. The other services hear of either."""
    async with uow() as work:
        before = (await work.campus.members([owner_id])).get(owner_id)
        if before is not None and before.sharing is share:
            return before
        if before is None and not share:
            return left(owner_id, now=now)  # never shared: nothing to stop, nothing to say
        preferences = (await work.nudges.preferences([owner_id])).get(owner_id, Preferences())
        zone, day_start = preferences.timezone, preferences.day_start
        member = (
            joined(owner_id, now=now, timezone=zone, day_start=day_start)
            if share
            else left(owner_id, now=now)
        )
        await work.campus.put_member(member)
        if not share:
            await work.campus.forget(owner_id)
        today = local_date(now, zone, day_start)
        await work.publish_all(
            [SharingChanged(owner_id, share, now), MembershipShared(owner_id, share, today, now)]
        )
        await work.commit()
    return member


async def share(*, work: CampusWork, facts: Sequence[Fact], now: datetime) -> None:
    """Publish what the campus may know of ``facts`` about sharing owners, inside the caller's
    transaction: new facts, and changes to facts shared before (a stale version, or a change the
    campus cannot see, publishes nothing)."""
    if not facts:
        return
    owners = {fact.owner_id for fact in facts}
    sharing = {o for o, member in (await work.campus.members(owners)).items() if member.sharing}
    if not sharing:
        return
    preferences = await work.nudges.preferences(sharing)
    stored = await work.campus.facts([fact.id for fact in facts if fact.owner_id in sharing])
    changed: list[Fact] = []
    news: list[Outgoing] = []
    for fact in facts:
        if fact.owner_id not in sharing:
            continue
        before = stored.get(fact.id)
        if before is not None and before.version > fact.version:
            continue
        owner = preferences.get(fact.owner_id, Preferences())
        fact = dated(fact, timezone=owner.timezone, day_start=owner.day_start)
        if (before is None and fact.deleted) or (before is not None and not fact.differs_from(before)):
            continue
        stored[fact.id] = fact
        changed.append(fact)
        news.append(FactShared(fact, new=before is None, at=now))
    await work.campus.put_facts(changed)
    await work.publish_all(news)


async def summarize_weeks(*, uow: CampusWorkFactory, now: datetime, batch: int = 200) -> int:
    """Publish the summary of each sharing student's week that has ended; returns how many."""
    async with uow() as work:
        due = await work.campus.due_weeks(now=now, limit=batch)
        preferences = await work.nudges.preferences([m.owner_id for m in due])
        streaks = await work.campus.longest_current_streaks([m.owner_id for m in due])
        news: list[Outgoing] = []
        for member in due:
            assert member.week_from is not None
            owner = preferences.get(member.owner_id, Preferences())
            last = member.week_from + timedelta(days=6)
            facts = await work.campus.facts_between(member.owner_id, first=member.week_from, last=last)
            week = week_summary(member.owner_id, member.week_from, facts, streaks.get(member.owner_id, 0))
            news.append(WeekShared(week, now))
            await work.campus.put_member(
                next_week(member, timezone=owner.timezone, day_start=owner.day_start)
            )
        await work.publish_all(news)
        await work.commit()
    return len(due)


@dataclass(frozen=True)
class Insights:
    weeks: list[Cell]
    reply_rates: list[Cell]
    streaks: list[Cell]


async def cohort_insights(*, uow: CampusWorkFactory, weeks: int, now: datetime) -> Insights:
    """Figures over the students who share: activity per week (Mondays, UTC), reply rates of
    outbound interactions by tie and kind, and how current streaks are spread; no figure is
    built from fewer than five students."""
    since = week_of(now.date()) - timedelta(weeks=weeks - 1)
    async with uow() as work:
        days = await work.campus.active_days(since=since)
        totals = await work.campus.outbound_totals(since=since)
        streaks = await work.campus.longest_current_streaks(None)
    per_week: dict[date, dict[str, int]] = {since + timedelta(weeks=n): {} for n in range(weeks)}
    for day in days:
        counts = per_week.setdefault(week_of(day.on), {})
        counts[day.owner_id] = counts.get(day.owner_id, 0) + day.interactions
    return Insights(
        weeks=[
            Cell.of((monday.isoformat(),), len(counts), {"interactions": sum(counts.values())})
            for monday, counts in sorted(per_week.items())
        ],
        reply_rates=[
            Cell.of(
                (t.tie, t.kind),
                t.students,
                {
                    "outbound": t.outbound,
                    "answered": t.answered,
                    "reply_rate": reply_rate(t.outbound, t.answered),
                },
            )
            for t in totals
        ],
        streaks=streak_distribution(list(streaks.values())),
    )
