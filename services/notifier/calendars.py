"""Calendar use cases: serve each owner's feeds (create, rotate, revoke, render) from the
projections, and remind owners of the follow-ups due today."""

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Protocol, Self

from services.notifier.delivery import Nudging, enqueue
from services.notifier.domain.calendar import (
    FeedView,
    FollowUpItem,
    ReminderItem,
    render_feed,
    render_follow_up,
)
from services.notifier.domain.feeds import (
    Feed,
    Include,
    checked_settings,
    entity_tag,
    new_token,
    plausible_token,
    same_hash,
    token_hash,
    token_hint,
)
from services.notifier.domain.nudges import Preferences, follow_up_nudge
from shared.errors import NotFound
from shared.schedules import local_date, zone


class FeedRevisions(Protocol):
    async def touch(self, owner_ids: Collection[str], *, now: datetime) -> None:
        """Raise the revision of what these owners' feeds show."""
        ...


class CalendarStore(FeedRevisions, Protocol):
    async def add_feed(self, feed: Feed, *, token_hash: str) -> None: ...
    async def update_feed(self, feed: Feed, *, token_hash: str | None = None) -> None: ...
    async def feeds_of(self, *, owner_id: str) -> list[Feed]: ...
    async def feed(self, *, owner_id: str, feed_id: str) -> Feed | None: ...
    async def feed_by_token_hash(self, digest: str) -> tuple[Feed, str, int, datetime | None] | None:
        """The live (unrevoked) feed with this token hash, its stored hash, and the owner's
        revision and when it last changed."""
        ...

    async def follow_up_items(self, *, owner_id: str, follow_up_id: str | None = None) -> list[FollowUpItem]:
        """Open follow-ups of contacts that are not archived."""
        ...

    async def reminder_items(self, *, owner_id: str) -> list[ReminderItem]:
        """Habits that are not archived."""
        ...

    async def follow_ups_to_remind(self, *, until: datetime, limit: int) -> list[tuple[str, FollowUpItem]]:
        """Open follow-ups due by ``until`` not reminded of since they were last changed, with
        their owners (claimed, on PostgreSQL); those of archived contacts are left out."""
        ...

    async def mark_reminded(self, follow_up_ids: Collection[str]) -> None: ...


class CalendarWork(Nudging, Protocol):
    @property
    def calendar(self) -> CalendarStore: ...

    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


CalendarWorkFactory = Callable[[], CalendarWork]


@dataclass(frozen=True)
class IssuedFeed:
    feed: Feed
    token: str
    """Shown once; only its hash is kept."""


async def create_feed(
    *,
    uow: CalendarWorkFactory,
    owner_id: str,
    name: str,
    include: frozenset[Include],
    timezone: str | None,
    reminder_time: time,
    now: datetime,
) -> IssuedFeed:
    name = checked_settings(name, include, timezone)
    token = new_token()
    feed = Feed(
        id=str(uuid.uuid4()),
        owner_id=owner_id,
        name=name,
        include=include,
        timezone=timezone,
        reminder_time=reminder_time,
        token_hint=token_hint(token),
        version=1,
        created_at=now,
        updated_at=now,
    )
    async with uow() as work:
        await work.calendar.add_feed(feed, token_hash=token_hash(token))
        await work.commit()
    return IssuedFeed(feed, token)


async def list_feeds(*, uow: CalendarWorkFactory, owner_id: str) -> list[Feed]:
    async with uow() as work:
        return await work.calendar.feeds_of(owner_id=owner_id)


async def rotate_feed(*, uow: CalendarWorkFactory, owner_id: str, feed_id: str, now: datetime) -> IssuedFeed:
    """A new token for the feed; the old URL stops working at once."""
    token = new_token()
    async with uow() as work:
        feed = await _live_feed(work, owner_id, feed_id)
        feed = replace(feed, token_hint=token_hint(token), version=feed.version + 1, updated_at=now)
        await work.calendar.update_feed(feed, token_hash=token_hash(token))
        await work.commit()
    return IssuedFeed(feed, token)


async def revoke_feed(*, uow: CalendarWorkFactory, owner_id: str, feed_id: str, now: datetime) -> None:
    async with uow() as work:
        feed = await _live_feed(work, owner_id, feed_id)
        await work.calendar.update_feed(
            replace(feed, version=feed.version + 1, updated_at=now, revoked_at=now)
        )
        await work.commit()


@dataclass(frozen=True)
class FeedVersion:
    """What a conditional request needs: computed from two indexed rows, no items read."""

    feed: Feed
    etag: str
    last_modified: datetime


async def feed_version(*, uow: CalendarWorkFactory, token: str) -> FeedVersion:
    """The feed behind ``token``; NotFound for an unknown or revoked token."""
    if not plausible_token(token):
        raise NotFound("feed")
    async with uow() as work:
        found = await work.calendar.feed_by_token_hash(token_hash(token))
    if found is None or not same_hash(found[1], token):
        raise NotFound("feed")
    feed, _, revision, changed_at = found
    modified = max(feed.updated_at, changed_at) if changed_at else feed.updated_at
    return FeedVersion(feed, entity_tag(feed, revision), modified)


async def current_feed(
    *, uow: CalendarWorkFactory, token: str, version: FeedVersion, tries: int = 3
) -> tuple[FeedVersion, str]:
    """The feed rendered with the version it shows. Items are read after the version, so a
    change committed in between would pair newer items with an older tag: the version is read
    again and the feed rendered anew until both agree (or, after ``tries``, the older tag is
    kept, which only makes a client fetch once more)."""
    for _ in range(tries):
        body = await render(uow=uow, feed=version.feed)
        again = await feed_version(uow=uow, token=token)
        if again.etag == version.etag:
            return version, body
        version = again
    return version, body


async def render(*, uow: CalendarWorkFactory, feed: Feed) -> str:
    """The feed's text; times in descriptions are in the feed's zone, else the owner's."""
    async with uow() as work:
        chosen = (await work.nudges.preferences([feed.owner_id])).get(feed.owner_id, Preferences())
        follow_ups = (
            await work.calendar.follow_up_items(owner_id=feed.owner_id)
            if Include.FOLLOW_UPS in feed.include
            else []
        )
        reminders = (
            await work.calendar.reminder_items(owner_id=feed.owner_id)
            if Include.HABITS in feed.include
            else []
        )
    view = FeedView(feed.name, feed.timezone or chosen.timezone, feed.reminder_time)
    return render_feed(view, follow_ups, reminders)


async def follow_up_download(
    *, uow: CalendarWorkFactory, owner_id: str, follow_up_id: str, timezone: str | None
) -> str:
    """One open follow-up as an .ics file, times in ``timezone`` (default: the owner's);
    NotFound if it is not the owner's or not open."""
    if timezone is not None:
        zone(timezone)
    async with uow() as work:
        items = await work.calendar.follow_up_items(owner_id=owner_id, follow_up_id=follow_up_id)
        timezone = (
            timezone or (await work.nudges.preferences([owner_id])).get(owner_id, Preferences()).timezone
        )
    if not items:
        raise NotFound("follow-up")
    return render_follow_up(items[0], timezone)


async def feed_download(*, uow: CalendarWorkFactory, owner_id: str, feed_id: str) -> str:
    """One of the owner's live feeds rendered now; NotFound if it is not theirs or revoked."""
    async with uow() as work:
        feed = await _live_feed(work, owner_id, feed_id)
    return await render(uow=uow, feed=feed)


async def _live_feed(work: CalendarWork, owner_id: str, feed_id: str) -> Feed:
    feed = await work.calendar.feed(owner_id=owner_id, feed_id=feed_id)
    if feed is None or feed.revoked_at is not None:
        raise NotFound("feed")
    return feed


async def remind_follow_ups(*, uow: CalendarWorkFactory, now: datetime, batch: int = 500) -> int:
    """Nudge about each open follow-up on its due day (in the owner's zone), once per due time;
    returns how many nudges were made. Only follow-ups due within a day are read."""
    async with uow() as work:
        found = await work.calendar.follow_ups_to_remind(until=now + timedelta(days=1), limit=batch)
        preferences = await work.nudges.preferences({owner for owner, _ in found})
        nudges, settled = [], []
        for owner_id, item in found:
            chosen = preferences.get(owner_id, Preferences())
            timezone = chosen.timezone
            due_day = local_date(item.due_at, timezone, chosen.day_start)
            today = local_date(now, timezone, chosen.day_start)
            if due_day > today:
                continue  # tomorrow where the owner lives: look again then
            settled.append(item.id)
            if due_day == today:
                nudges.append(
                    follow_up_nudge(
                        owner_id=owner_id,
                        follow_up_id=item.id,
                        name=item.contact_name,
                        title=item.title,
                        due_at=item.due_at,
                        timezone=timezone,
                        takeaway=item.takeaway,
                    )
                )
        await enqueue(work=work, nudges=nudges, now=now)
        await work.calendar.mark_reminded(settled)
        await work.commit()
    return len(nudges)
