"""Preference use cases: the owner's settings (zone, day start, quiet hours, daily limit, digest,
cadence per tie) and their channels (add, remove, resume, test)."""

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from services.notifier import delivery
from services.notifier.delivery import (
    MAX_CHANNELS,
    Attempt,
    NudgeWork,
    NudgeWorkFactory,
    Nudging,
    Sender,
    StoredNudge,
)
from services.notifier.domain.nudges import (
    Channel,
    NudgeStatus,
    Preferences,
    PreferencesChange,
    checked,
    next_digest,
)
from services.notifier.domain.outgoing import OwnerDayChanged
from services.notifier.prompts import PromptWorkFactory, follow_contacts
from shared.errors import DomainError, NotFound


async def preferences_of(*, uow: NudgeWorkFactory, owner_id: str) -> tuple[Preferences, list[Channel]]:
    async with uow() as work:
        stored = await work.nudges.preferences([owner_id])
        channels = await work.nudges.channels([owner_id], active=False)
    return stored.get(owner_id, Preferences()), channels.get(owner_id, [])


async def save_preferences(*, work: Nudging, owner_id: str, preferences: Preferences, now: datetime) -> None:
    """Store checked preferences and plan the next digest; with the digest off, what waited for
    it goes out on its own."""
    checked(preferences)
    await work.nudges.put_preferences(
        owner_id,
        preferences,
        next_digest_at=next_digest(now, preferences) if preferences.digest else None,
        now=now,
    )
    if not preferences.digest:
        await release_digest(work, await work.nudges.queued(owner_id), now)


async def release_digest(work: Nudging, queued: Sequence[StoredNudge], now: datetime) -> None:
    """With the digest turned off, what waited for it goes out on its own."""
    for stored in queued:
        await work.nudges.settle(
            stored, status=NudgeStatus.PENDING, attempts=stored.attempts, next_attempt_at=now, sent_at=None
        )


async def add_channel(
    *, uow: NudgeWorkFactory, sender: Sender, owner_id: str, name: str, url: str, now: datetime
) -> Channel:
    kind, shown = sender.describe(url)
    async with uow() as work:
        existing = (await work.nudges.channels([owner_id], active=False)).get(owner_id, [])
        if len(existing) >= MAX_CHANNELS:
            raise DomainError(f"at most {MAX_CHANNELS} channels", field="url")
        channel = Channel(
            id=str(uuid.uuid4()),
            owner_id=owner_id,
            name=name,
            kind=kind,
            shown=shown,
            url=url,
            created_at=now,
        )
        await work.nudges.add_channel(channel)
        await delivery.route_unsent(work, owner_id, now)
        await work.commit()
    return channel


async def remove_channel(*, uow: NudgeWorkFactory, owner_id: str, channel_id: str) -> None:
    async with uow() as work:
        await work.nudges.remove_channel(await _channel(work, owner_id, channel_id))
        await work.commit()


async def resume_channel(*, uow: NudgeWorkFactory, owner_id: str, channel_id: str, now: datetime) -> Channel:
    """Use a paused channel again, its failure count forgotten."""
    async with uow() as work:
        channel = replace(await _channel(work, owner_id, channel_id), failures=0, paused_at=None)
        await work.nudges.put_channels([channel])
        await delivery.route_unsent(work, owner_id, now)
        await work.commit()
    return channel


async def test_channel(
    *, uow: NudgeWorkFactory, sender: Sender, owner_id: str, channel_id: str, now: datetime
) -> str | None:
    """Send a test message now, whatever the quiet hours; returns the error, None if it went.
    The attempt is recorded; a test neither pauses nor resumes the channel."""
    async with uow() as work:
        channel = await _channel(work, owner_id, channel_id)
    error = await sender.send(
        channel.url,
        title="KeepWarm test message",
        body=f"This channel ({channel.name}) receives your KeepWarm nudges.",
    )
    async with uow() as work:
        await work.nudges.record([Attempt(None, owner_id, channel.id, 1, now, error)])
        await work.commit()
    return error


async def _channel(work: NudgeWork, owner_id: str, channel_id: str) -> Channel:
    for channel in (await work.nudges.channels([owner_id], active=False)).get(owner_id, []):
        if channel.id == channel_id:
            return channel
    raise NotFound("channel")


async def change_preferences(
    *, uow: PromptWorkFactory, owner_id: str, change: PreferencesChange, now: datetime
) -> tuple[Preferences, list[Channel]]:
    """Change some of the owner's preferences in one transaction; a new cadence moves the due
    moments of their prompts, a new zone or day start is announced to the other services.
    Returns the preferences and channels now."""
    async with uow() as work:
        before = (await work.nudges.preferences([owner_id])).get(owner_id, Preferences())
        preferences = change.applied_to(before)
        await save_preferences(work=work, owner_id=owner_id, preferences=preferences, now=now)
        if (before.cadence, before.style) != (preferences.cadence, preferences.style):
            owned = [p.contact_id for p in await work.prompts.of_owner(owner_id)]
            await follow_contacts(work=work, contact_ids=owned, now=now)
        if (before.timezone, before.day_start) != (preferences.timezone, preferences.day_start):
            await work.calendar.touch([owner_id], now=now)  # feeds without a zone of their own change
            await work.publish_all(
                [OwnerDayChanged(owner_id, preferences.timezone, preferences.day_start, now)]
            )
        channels = (await work.nudges.channels([owner_id], active=False)).get(owner_id, [])
        await work.commit()
    return preferences, channels
