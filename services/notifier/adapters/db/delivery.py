"""Nudge delivery: the owner's preferences, channels, nudges and their delivery attempts."""

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.tables import (
    channels,
    nudge_attempts,
    nudges,
    preferences,
)
from services.notifier.delivery import Attempt, StoredNudge
from services.notifier.domain.nudges import UNCOUNTED, Channel, Nudge, NudgeKind, NudgeStatus, Preferences
from services.notifier.domain.prompts import Medium, Size, Style
from services.notifier.domain.quiet_hours import QuietHours
from shared.db.statements import claim_due, dialect_insert
from shared.sealed import Sealer
from shared.vocabulary import Tie


class SqlNudges:
    """Channel URLs (with their passwords and tokens) are stored sealed (``shared.sealed``)."""

    def __init__(self, session: AsyncSession, sealer: Sealer) -> None:
        self._session = session
        self._sealer = sealer

    async def preferences(self, owner_ids: Collection[str]) -> dict[str, Preferences]:
        if not owner_ids:
            return {}
        rows = await self._session.execute(
            select(preferences).where(preferences.c.owner_id.in_(list(owner_ids)))
        )
        return {
            row["owner_id"]: Preferences(
                timezone=row["timezone"],
                day_start=row["day_start"],
                quiet=QuietHours(row["quiet_start"], row["quiet_end"]),
                daily_limit=row["daily_limit"],
                digest=row["digest"],
                digest_time=row["digest_time"],
                cadence={Tie(tie): days for tie, days in row["cadence"].items()},
                style=Style(Medium(row["style_medium"]), Size(row["style_size"]))
                if row["style_medium"] and row["style_size"]
                else None,
            )
            for row in rows.mappings()
        }

    async def put_preferences(
        self, owner_id: str, chosen: Preferences, *, next_digest_at: datetime | None, now: datetime
    ) -> None:
        row = {
            "owner_id": owner_id,
            "timezone": chosen.timezone,
            "day_start": chosen.day_start,
            "quiet_start": chosen.quiet.start,
            "quiet_end": chosen.quiet.end,
            "daily_limit": chosen.daily_limit,
            "digest": chosen.digest,
            "digest_time": chosen.digest_time,
            "cadence": {tie.value: days for tie, days in sorted(chosen.cadence.items())},
            "style_medium": chosen.style.medium.value if chosen.style else None,
            "style_size": chosen.style.size.value if chosen.style else None,
            "next_digest_at": next_digest_at,
            "updated_at": now,
        }
        statement = dialect_insert(self._session, preferences)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[preferences.c.owner_id],
                set_={key: statement.excluded[key] for key in row if key != "owner_id"},
            ),
            [row],
        )

    async def channels(self, owner_ids: Collection[str], *, active: bool) -> dict[str, list[Channel]]:
        if not owner_ids:
            return {}
        statement = select(channels).where(channels.c.owner_id.in_(list(owner_ids)))
        if active:
            statement = statement.where(channels.c.paused_at.is_(None))
        found: dict[str, list[Channel]] = {}
        for row in (
            await self._session.execute(
                statement.order_by(channels.c.created_at, channels.c.name, channels.c.id)
            )
        ).mappings():
            found.setdefault(row["owner_id"], []).append(_channel(row, self._sealer.open(row["url"])))
        return found

    async def add_channel(self, channel: Channel) -> None:
        row = _channel_row(channel) | {"url": self._sealer.seal(channel.url)}
        await self._session.execute(insert(channels).values(row))

    async def put_channels(self, changed: Sequence[Channel]) -> None:
        for channel in changed:
            await self._session.execute(
                update(channels)
                .where(channels.c.id == channel.id)
                .values(failures=channel.failures, paused_at=channel.paused_at)
            )

    async def reseal_channels(self, *, limit: int) -> int:
        """Seal under the newest key up to ``limit`` channel URLs that an older key (or none)
        sealed; returns how many."""
        rows = (
            await self._session.execute(select(channels.c.id, channels.c.url).order_by(channels.c.id))
        ).all()
        stale = [(row.id, row.url) for row in rows if not self._sealer.is_current(row.url)][:limit]
        for channel_id, stored in stale:
            await self._session.execute(
                update(channels).where(channels.c.id == channel_id).values(url=self._sealer.reseal(stored))
            )
        return len(stale)

    async def remove_channel(self, channel: Channel) -> None:
        await self._session.execute(
            delete(channels).where(channels.c.id == channel.id, channels.c.owner_id == channel.owner_id)
        )

    async def add(self, rows: Sequence[tuple[Nudge, NudgeStatus]], *, now: datetime) -> None:
        if not rows:
            return
        await self._session.execute(
            dialect_insert(self._session, nudges).on_conflict_do_nothing(index_elements=[nudges.c.key]),
            [
                {
                    "id": str(uuid.uuid4()),
                    "key": nudge.key,
                    "owner_id": nudge.owner_id,
                    "kind": nudge.kind.value,
                    "subject_id": nudge.subject_id,
                    "title": nudge.title,
                    "body": nudge.body,
                    "expires_at": nudge.expires_at,
                    "status": status.value,
                    "attempts": 0,
                    "next_attempt_at": now if status is NudgeStatus.PENDING else None,
                    "created_at": now,
                    "sent_at": None,
                }
                for nudge, status in rows
            ],
        )

    async def forget(self, *, subject_ids: Collection[str]) -> None:
        if not subject_ids:
            return
        about = select(nudges.c.id).where(nudges.c.subject_id.in_(list(subject_ids)))
        await self._session.execute(delete(nudge_attempts).where(nudge_attempts.c.nudge_id.in_(about)))
        await self._session.execute(delete(nudges).where(nudges.c.subject_id.in_(list(subject_ids))))

    async def cancel(self, *, kind: str, subject_ids: Collection[str]) -> None:
        if subject_ids:
            await self._session.execute(
                update(nudges)
                .where(
                    nudges.c.subject_id.in_(list(subject_ids)),
                    nudges.c.kind == kind,
                    nudges.c.status.in_(
                        [s.value for s in (NudgeStatus.QUEUED, NudgeStatus.PENDING, NudgeStatus.NO_CHANNEL)]
                    ),
                )
                .values(status=NudgeStatus.CANCELLED.value, next_attempt_at=None)
            )

    async def claim(self, *, now: datetime, lease_until: datetime, limit: int) -> list[StoredNudge]:
        ids = await claim_due(self._session, nudges.c.next_attempt_at, nudges.c.id, now=now, limit=limit)
        if not ids:
            return []
        await self._session.execute(
            update(nudges).where(nudges.c.id.in_(ids)).values(next_attempt_at=lease_until)
        )
        rows = await self._session.execute(select(nudges).where(nudges.c.id.in_(ids)))
        found = {row["id"]: _stored_nudge(row) for row in rows.mappings()}
        return [found[nudge_id] for nudge_id in ids]

    async def reached(self, nudge_ids: Collection[str]) -> dict[str, set[str]]:
        rows = await self._session.execute(
            select(nudge_attempts.c.nudge_id, nudge_attempts.c.channel_id).where(
                nudge_attempts.c.nudge_id.in_(list(nudge_ids)), nudge_attempts.c.ok.is_(True)
            )
        )
        found: dict[str, set[str]] = {}
        for nudge_id, channel_id in rows.all():
            found.setdefault(nudge_id, set()).add(channel_id)
        return found

    async def counted_since(self, since: Mapping[str, datetime]) -> dict[str, int]:
        if not since:
            return {}
        # One read for every owner of the round: sent since the earliest local midnight asked
        # for, each owner's own midnight applied here.
        rows = await self._session.execute(
            select(nudges.c.owner_id, nudges.c.sent_at).where(
                nudges.c.owner_id.in_(list(since)),
                nudges.c.status == NudgeStatus.SENT.value,
                nudges.c.sent_at >= min(since.values()),
                nudges.c.kind.not_in([kind.value for kind in UNCOUNTED]),
            )
        )
        found = dict.fromkeys(since, 0)
        for owner_id, sent_at in rows.all():
            if sent_at >= since[owner_id]:
                found[owner_id] += 1
        return found

    async def record(self, attempts: Sequence[Attempt]) -> None:
        if attempts:
            await self._session.execute(
                insert(nudge_attempts),
                [
                    {
                        "nudge_id": a.nudge_id,
                        "owner_id": a.owner_id,
                        "channel_id": a.channel_id,
                        "attempt": a.number,
                        "at": a.at,
                        "ok": a.error is None,
                        "error": None if a.error is None else a.error[:500],
                    }
                    for a in attempts
                ],
            )

    async def settle(
        self,
        stored: StoredNudge,
        *,
        status: NudgeStatus,
        attempts: int,
        next_attempt_at: datetime | None,
        sent_at: datetime | None,
    ) -> None:
        await self._session.execute(
            update(nudges)
            .where(nudges.c.id == stored.id)
            .values(status=status.value, attempts=attempts, next_attempt_at=next_attempt_at, sent_at=sent_at)
        )

    async def due_digests(self, *, now: datetime, limit: int) -> list[str]:
        return await claim_due(
            self._session, preferences.c.next_digest_at, preferences.c.owner_id, now=now, limit=limit
        )

    async def queued(self, owner_id: str, *, status: NudgeStatus = NudgeStatus.QUEUED) -> list[StoredNudge]:
        rows = await self._session.execute(
            select(nudges)
            .where(nudges.c.owner_id == owner_id, nudges.c.status == status.value)
            .order_by(nudges.c.created_at, nudges.c.id)
        )
        return [_stored_nudge(row) for row in rows.mappings()]

    async def bundle(self, nudge_ids: Collection[str]) -> None:
        if nudge_ids:
            await self._session.execute(
                update(nudges)
                .where(nudges.c.id.in_(list(nudge_ids)))
                .values(status=NudgeStatus.BUNDLED.value)
            )

    async def set_next_digest(self, owner_id: str, at: datetime | None) -> None:
        await self._session.execute(
            update(preferences).where(preferences.c.owner_id == owner_id).values(next_digest_at=at)
        )

    async def attempts_of(self, *, owner_id: str, limit: int) -> list[tuple[Attempt, StoredNudge | None]]:
        rows = await self._session.execute(
            select(nudge_attempts)
            .outerjoin(nudges, nudges.c.id == nudge_attempts.c.nudge_id)
            .add_columns(*[c.label(f"n_{c.name}") for c in nudges.c])
            .where(nudge_attempts.c.owner_id == owner_id)
            .order_by(nudge_attempts.c.id.desc())
            .limit(limit)
        )
        found: list[tuple[Attempt, StoredNudge | None]] = []
        for row in rows.mappings():
            attempt = Attempt(
                row["nudge_id"], row["owner_id"], row["channel_id"], row["attempt"], row["at"], row["error"]
            )
            if row["nudge_id"] is None:
                found.append((attempt, None))
            else:
                nudge_row = {c.name: row[f"n_{c.name}"] for c in nudges.c}
                found.append((attempt, _stored_nudge(nudge_row)))
        return found


def _channel(row: Any, url: str) -> Channel:
    return Channel(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        kind=row["kind"],
        shown=row["shown"],
        url=url,
        created_at=row["created_at"],
        failures=row["failures"],
        paused_at=row["paused_at"],
    )


def _channel_row(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "owner_id": channel.owner_id,
        "name": channel.name,
        "kind": channel.kind,
        "url": channel.url,
        "shown": channel.shown,
        "failures": channel.failures,
        "paused_at": channel.paused_at,
        "created_at": channel.created_at,
    }


def _stored_nudge(row: Any) -> StoredNudge:
    return StoredNudge(
        id=row["id"],
        nudge=Nudge(
            key=row["key"],
            owner_id=row["owner_id"],
            kind=NudgeKind(row["kind"]),
            subject_id=row["subject_id"],
            title=row["title"],
            body=row["body"],
            expires_at=row["expires_at"],
        ),
        status=NudgeStatus(row["status"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
    )
