"""The session side of every service's unit of work: one transaction, events staged in its outbox.

A service subclasses it, builds its repositories in :meth:`bind`, and turns its changes into
contract events in :meth:`event_of`. ``within(session)`` joins a transaction someone else owns
(a consumer's batch): then ``commit`` leaves committing to that owner.
"""

import copy
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Self

from sqlalchemy import MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.contracts.base import Event, entity_key
from shared.contracts.topics import Stream
from shared.db.erasure import erase_owner
from shared.db.outbox import stage_all, stage_tombstones


class SessionUnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession] | None,
        *,
        outbox: Table,
        topic: str,
        source: str,
        routes: Mapping[Stream, str] | None = None,
        states: Mapping[str, str] | None = None,
    ) -> None:
        """Events go to ``topic``, except those of a stream in ``routes``, which go to its topic;
        ``states`` names the state topic of an event topic that has one."""
        self._sessions = sessions
        self._outbox = outbox
        self._topic = topic
        self._routes = routes or {}
        self._states = states or {}
        self._source = source
        self._owned = sessions is not None

    def within(self, session: AsyncSession) -> Self:
        """This unit of work as part of ``session``'s transaction, which the caller commits."""
        joined = copy.copy(self)
        joined._sessions, joined._owned = None, False
        joined._start(session)
        return joined

    def bind(self, session: AsyncSession) -> None:
        """Build the repositories over ``session``."""
        raise NotImplementedError

    def event_of(self, change: Any) -> Event:
        raise NotImplementedError

    def _start(self, session: AsyncSession) -> None:
        self._session = session
        self.bind(session)

    async def __aenter__(self) -> Self:
        assert self._sessions is not None, "a joined unit of work is used without `async with`"
        self._start(self._sessions())
        await self._session.begin()
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            if self._session.in_transaction():
                await self._session.rollback()
        finally:
            await self._session.close()

    async def publish(self, change: Any) -> None:
        """Stage the change's event in the outbox, in this transaction."""
        await self.publish_all([change])

    async def publish_all(self, changes: Sequence[Any]) -> None:
        """Stage the changes' events in the outbox, in order (per topic), in this transaction."""
        by_topic: dict[str, list[Event]] = {}
        for change in changes:
            event = self.event_of(change)
            by_topic.setdefault(self._routes.get(event.stream, self._topic), []).append(event)
        for topic, events in by_topic.items():
            await stage_all(
                self._session,
                self._outbox,
                topic=topic,
                events=events,
                source=self._source,
                state_topic=self._states.get(topic),
            )

    async def erase_owner_from(
        self,
        metadata: MetaData,
        owner_id: str,
        *,
        entities: Mapping[str, Table] = {},
        keep: Collection[str] = (),
    ) -> None:
        """Everything of the owner in ``metadata``'s tables but ``keep`` (``shared.db.erasure``),
        their outbox rows, and tombstones on the state topic for every entity of ``entities``
        (``kind`` → its table) they held."""
        held = []
        for kind, table in (entities or {}).items():
            found = await self._session.execute(select(table.c.id).where(table.c.owner_id == owner_id))
            held += [entity_key(kind, entity_id) for entity_id in found.scalars()]
        await erase_owner(
            self._session, metadata, owner_id=owner_id, outbox=self._outbox, keys=[owner_id], keep=keep
        )
        await self.end_states(held)

    async def end_states(self, keys: Collection[str]) -> None:
        """Tombstones for ``keys`` on the state topic of this unit of work's topic."""
        state_topic = self._states.get(self._topic)
        if state_topic is None:
            return
        await stage_tombstones(self._session, self._outbox, topic=state_topic, keys=keys, source=self._source)

    async def commit(self) -> None:
        if self._owned:
            await self._session.commit()
