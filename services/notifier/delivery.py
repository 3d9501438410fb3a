"""Delivery use cases: nudges queued once per key, daily digests, and sending through the
owner's channels with retries, backoff and pausing."""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, Self

from services.notifier.domain.nudges import (
    DIGESTIBLE,
    MAX_ATTEMPTS,
    UNCOUNTED,
    Channel,
    Nudge,
    NudgeAction,
    NudgeKind,
    NudgeStatus,
    Preferences,
    actions_of,
    backoff,
    channel_paused_nudge,
    digest,
    local_day_start,
    next_digest,
    send_at,
)
from services.notifier.domain.outgoing import NudgeOutcome, Outgoing
from shared.errors import DomainError
from shared.schedules import local_date

MAX_CHANNELS = 10


class InvalidChannel(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


class Sender(Protocol):
    def describe(self, url: str) -> tuple[str, str]:
        """The channel's kind (URL scheme) and its URL with secrets masked; InvalidChannel when
        no notification service understands the URL."""
        ...

    async def send(self, url: str, *, title: str, body: str) -> str | None:
        """Deliver one message; None when it was accepted, else what went wrong."""
        ...


class Links(Protocol):
    def address(self, action: NudgeAction, *, owner_id: str, now: datetime) -> str | None:
        """Where the action's link leads; None when it cannot be offered (no link key)."""
        ...


def message_body(nudge: Nudge, links: Links | None, now: datetime) -> str:
    """The nudge's text and, below it, its action links, one per line."""
    if links is None:
        return nudge.body
    lines = []
    for action in actions_of(nudge):
        address = links.address(action, owner_id=nudge.owner_id, now=now)
        if address is not None:
            lines.append(f"{action.label}: {address}")
    return "\n\n".join([nudge.body, "\n".join(lines)]) if lines else nudge.body


@dataclass(frozen=True)
class StoredNudge:
    id: str
    nudge: Nudge
    status: NudgeStatus
    attempts: int
    created_at: datetime
    sent_at: datetime | None = None


@dataclass(frozen=True)
class Attempt:
    nudge_id: str | None
    """None for a test message."""
    owner_id: str
    channel_id: str
    number: int
    at: datetime
    error: str | None


class NudgeStore(Protocol):
    async def forget(self, *, subject_ids: Collection[str]) -> None:
        """Delete every nudge about these subjects, sent or not, with its attempts."""
        ...

    async def preferences(self, owner_ids: Collection[str]) -> dict[str, Preferences]:
        """Stored preferences; owners who never set any are missing."""
        ...

    async def put_preferences(
        self, owner_id: str, preferences: Preferences, *, next_digest_at: datetime | None, now: datetime
    ) -> None: ...
    async def channels(self, owner_ids: Collection[str], *, active: bool) -> dict[str, list[Channel]]:
        """Each owner's channels (only those not paused with ``active``), oldest first."""
        ...

    async def add_channel(self, channel: Channel) -> None: ...
    async def put_channels(self, channels: Sequence[Channel]) -> None: ...
    async def remove_channel(self, channel: Channel) -> None: ...
    async def reseal_channels(self, *, limit: int) -> int:
        """Seal under the newest key the channel URLs an older key sealed; returns how many."""
        ...

    async def add(self, rows: Sequence[tuple[Nudge, NudgeStatus]], *, now: datetime) -> None:
        """Store new nudges; a key stored before is left as it is."""
        ...

    async def cancel(self, *, kind: str, subject_ids: Collection[str]) -> None:
        """Cancel the unsent nudges (queued, pending, without a channel) of this kind about these
        subjects."""
        ...

    async def claim(self, *, now: datetime, lease_until: datetime, limit: int) -> list[StoredNudge]:
        """Pending nudges due by ``now``, oldest first, leased until ``lease_until`` (no other
        instance claims them before; after it, a crashed sender's nudges are due again)."""
        ...

    async def reached(self, nudge_ids: Collection[str]) -> dict[str, set[str]]:
        """The channels each nudge already reached."""
        ...

    async def counted_since(self, since: Mapping[str, datetime]) -> dict[str, int]:
        """Per owner, nudges sent since the moment given that count towards the daily limit."""
        ...

    async def record(self, attempts: Sequence[Attempt]) -> None: ...
    async def settle(
        self,
        stored: StoredNudge,
        *,
        status: NudgeStatus,
        attempts: int,
        next_attempt_at: datetime | None,
        sent_at: datetime | None,
    ) -> None: ...
    async def due_digests(self, *, now: datetime, limit: int) -> list[str]:
        """Owners whose digest is due (claimed, on PostgreSQL)."""
        ...

    async def queued(self, owner_id: str, *, status: NudgeStatus = NudgeStatus.QUEUED) -> list[StoredNudge]:
        """The owner's nudges waiting in ``status`` (for the digest, or for a channel), oldest first."""
        ...

    async def bundle(self, nudge_ids: Collection[str]) -> None: ...
    async def set_next_digest(self, owner_id: str, at: datetime | None) -> None: ...
    async def attempts_of(self, *, owner_id: str, limit: int) -> list[tuple[Attempt, StoredNudge | None]]: ...


class Nudging(Protocol):
    @property
    def nudges(self) -> NudgeStore: ...


class NudgeWork(Nudging, Protocol):
    async def publish_all(self, changes: Sequence[Outgoing]) -> None: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


NudgeWorkFactory = Callable[[], NudgeWork]


async def enqueue(*, work: Nudging, nudges: Sequence[Nudge], now: datetime) -> None:
    """Queue nudges for owners with a working channel (the others read their prompts in the
    app); with the digest on, the digestible ones wait for it."""
    if not nudges:
        return
    owners = {nudge.owner_id for nudge in nudges}
    preferences = await work.nudges.preferences(owners)
    active = await work.nudges.channels(owners, active=True)
    rows = []
    for nudge in nudges:
        if not active.get(nudge.owner_id):
            if nudge.kind is not NudgeKind.CHANNEL_PAUSED:
                rows.append((nudge, NudgeStatus.NO_CHANNEL))
            continue
        rows.append((nudge, _routed(nudge.kind, _prefs(preferences, nudge.owner_id))))
    await work.nudges.add(rows, now=now)


def _routed(kind: NudgeKind, preferences: Preferences) -> NudgeStatus:
    """A nudge with a channel to go through waits for the digest, or goes out on its own."""
    return NudgeStatus.QUEUED if preferences.digest and kind in DIGESTIBLE else NudgeStatus.PENDING


async def route_unsent(work: Nudging, owner_id: str, now: datetime) -> None:
    """A channel to send through came: what was made without one goes out now (the delivery
    round applies quiet hours, the daily limit and expiry as for any nudge)."""
    preferences = _prefs(await work.nudges.preferences([owner_id]), owner_id)
    for stored in await work.nudges.queued(owner_id, status=NudgeStatus.NO_CHANNEL):
        status = _routed(stored.nudge.kind, preferences)
        await work.nudges.settle(
            stored,
            status=status,
            attempts=stored.attempts,
            next_attempt_at=now if status is NudgeStatus.PENDING else None,
            sent_at=None,
        )


async def attempts_of(
    *, uow: NudgeWorkFactory, owner_id: str, limit: int = 100
) -> list[tuple[Attempt, StoredNudge | None]]:
    async with uow() as work:
        return await work.nudges.attempts_of(owner_id=owner_id, limit=limit)


# --- the scheduler's part --------------------------------------------------------------------


async def send_digests(*, uow: NudgeWorkFactory, now: datetime, batch: int = 200) -> int:
    """Bundle what waited for each due owner's digest into one nudge; returns digests made."""
    made = 0
    async with uow() as work:
        owners = await work.nudges.due_digests(now=now, limit=batch)
        preferences = await work.nudges.preferences(owners)
        for owner_id in owners:
            chosen = preferences.get(owner_id, Preferences())
            queued = await work.nudges.queued(owner_id)
            if queued:
                day = local_date(now, chosen.timezone)
                await work.nudges.add(
                    [
                        (
                            digest(owner_id=owner_id, day=day, items=[q.nudge for q in queued]),
                            NudgeStatus.PENDING,
                        )
                    ],
                    now=now,
                )
                await work.nudges.bundle([q.id for q in queued])
                made += 1
            await work.nudges.set_next_digest(owner_id, next_digest(now, chosen) if chosen.digest else None)
        await work.commit()
    return made


@dataclass
class _Round:
    """What one delivery round learnt, written back in one transaction."""

    attempts: list[Attempt]
    channels: dict[str, Channel]
    settled: list[tuple[StoredNudge, NudgeStatus, int, datetime | None, datetime | None]]
    events: list[NudgeOutcome]
    deferred: list[tuple[StoredNudge, datetime]]


async def deliver(
    *,
    uow: NudgeWorkFactory,
    sender: Sender,
    now: datetime,
    retry_base: timedelta,
    links: Links | None = None,
    lease: timedelta = timedelta(minutes=5),
    batch: int = 100,
) -> int:
    """Send the pending nudges that are due, each to every working channel it has not reached
    yet; returns how many were claimed. A nudge outside the owner's quiet hours and daily limit
    waits; a failed one is retried with backoff; a channel that keeps failing is paused and the
    owner told through the others. The outcome is published as nudge sent or nudge failed."""
    async with uow() as work:
        claimed = await work.nudges.claim(now=now, lease_until=now + lease, limit=batch)
        await work.commit()
    if not claimed:
        return 0
    owners = {stored.nudge.owner_id for stored in claimed}
    async with uow() as work:
        preferences = await work.nudges.preferences(owners)
        active = await work.nudges.channels(owners, active=True)
        reached = await work.nudges.reached([stored.id for stored in claimed])
        counted = await work.nudges.counted_since(
            {owner: local_day_start(now, _prefs(preferences, owner).timezone) for owner in owners}
        )
    done = _Round([], {c.id: c for channels in active.values() for c in channels}, [], [], [])
    for stored in claimed:
        owner = stored.nudge.owner_id
        when = send_at(
            now, _prefs(preferences, owner), kind=stored.nudge.kind, sent_today=counted.get(owner, 0)
        )
        if stored.nudge.expires_at is not None and when > stored.nudge.expires_at:
            done.settled.append((stored, NudgeStatus.CANCELLED, stored.attempts, None, None))
            continue
        if when > now:
            done.deferred.append((stored, when))
            continue
        body = message_body(stored.nudge, links, now)
        sent = await _attempt(done, sender, stored, body, reached.get(stored.id, set()), now, retry_base)
        if sent and stored.nudge.kind not in UNCOUNTED:
            counted[owner] = counted.get(owner, 0) + 1
    async with uow() as work:
        await _write(work, done, now)
        await work.commit()
    return len(claimed)


async def _attempt(
    done: _Round,
    sender: Sender,
    stored: StoredNudge,
    body: str,
    reached: set[str],
    now: datetime,
    retry_base: timedelta,
) -> bool:
    """One attempt at one nudge through the channels it has not reached; True once it is sent."""
    number = stored.attempts + 1
    targets = [
        c
        for c in done.channels.values()
        if c.owner_id == stored.nudge.owner_id and c.paused_at is None and c.id not in reached
    ]
    errors = []
    for channel in targets:
        error = await sender.send(channel.url, title=stored.nudge.title, body=body)
        done.attempts.append(Attempt(stored.id, channel.owner_id, channel.id, number, now, error))
        done.channels[channel.id] = channel.after_attempt(ok=error is None, now=now)
        if error is None:
            reached.add(channel.id)
        else:
            errors.append(error)
    kinds = tuple(sorted({c.kind for c in done.channels.values() if c.id in reached}))
    left = [c for c in targets if c.id not in reached and done.channels[c.id].paused_at is None]
    if reached and not left:
        done.settled.append((stored, NudgeStatus.SENT, number, None, now))
        done.events.append(_outcome(stored, number, now, channels=kinds))
        return True
    if left and number < MAX_ATTEMPTS:
        done.settled.append(
            (stored, NudgeStatus.PENDING, number, now + backoff(number, base=retry_base), None)
        )
        return False
    if reached:
        done.settled.append((stored, NudgeStatus.SENT, number, None, now))
        done.events.append(_outcome(stored, number, now, channels=kinds))
        return True
    reason = "every attempt failed" if targets else "no working channel to send it through"
    done.settled.append((stored, NudgeStatus.FAILED, number, None, None))
    done.events.append(_outcome(stored, number, now, reason=reason))
    return False


async def _write(work: NudgeWork, done: _Round, now: datetime) -> None:
    await work.nudges.record(done.attempts)
    used = {attempt.channel_id for attempt in done.attempts}
    await work.nudges.put_channels([c for c in done.channels.values() if c.id in used])
    for stored, status, attempts, next_attempt_at, sent_at in done.settled:
        await work.nudges.settle(
            stored, status=status, attempts=attempts, next_attempt_at=next_attempt_at, sent_at=sent_at
        )
    for stored, when in done.deferred:
        await work.nudges.settle(
            stored, status=NudgeStatus.PENDING, attempts=stored.attempts, next_attempt_at=when, sent_at=None
        )
    await work.publish_all(done.events)
    paused = [c for c in done.channels.values() if c.paused_at == now]
    await enqueue(
        work=work,
        nudges=[
            channel_paused_nudge(
                owner_id=c.owner_id, channel_id=c.id, name=c.name, failures=c.failures, at=now
            )
            for c in paused
        ],
        now=now,
    )


def _outcome(
    stored: StoredNudge,
    attempts: int,
    now: datetime,
    *,
    channels: tuple[str, ...] = (),
    reason: str | None = None,
) -> NudgeOutcome:
    return NudgeOutcome(
        nudge_id=stored.id,
        owner_id=stored.nudge.owner_id,
        kind=stored.nudge.kind,
        subject_id=stored.nudge.subject_id,
        attempts=attempts,
        at=now,
        channels=channels,
        reason=reason,
    )


def _prefs(preferences: Mapping[str, Preferences], owner_id: str) -> Preferences:
    return preferences.get(owner_id, Preferences())


async def reseal_channels(*, uow: NudgeWorkFactory, batch: int = 500) -> int:
    """After a key rotation: every channel's secret sealed under the newest key, a batch per
    transaction; returns how many were resealed."""
    total = 0
    while True:
        async with uow() as work:
            done = await work.nudges.reseal_channels(limit=batch)
            await work.commit()
        total += done
        if done < batch:
            return total
