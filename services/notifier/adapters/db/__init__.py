"""The notifier database, one module per feature: the habits projection and streaks, the contacts
projection and calendar feeds, prompts, and delivery; all tables in ``tables``; and the unit of
work over them."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.adapters.db.calendars import SqlCalendar
from services.notifier.adapters.db.campus import SqlCampus
from services.notifier.adapters.db.delivery import SqlNudges
from services.notifier.adapters.db.erasures import SqlErasures
from services.notifier.adapters.db.projection import SqlContactsProjection
from services.notifier.adapters.db.prompts import SqlPrompts
from services.notifier.adapters.db.streaks import SqlProjection
from services.notifier.adapters.db.tables import (
    calendar_feeds,
    calendar_revisions,
    campus_facts,
    campus_members,
    channels,
    check_ins,
    contacts,
    follow_ups,
    habits,
    inbox,
    interactions,
    metadata,
    nudge_attempts,
    nudges,
    outbox,
    preferences,
    prompts,
    streaks,
)
from services.notifier.adapters.kafka_out import Pseudonyms, event_of
from services.notifier.domain.outgoing import Outgoing
from shared.auth import DEVELOPMENT_SECRET
from shared.contracts.base import Event
from shared.db.erasure import erase_owner
from shared.db.unit_of_work import SessionUnitOfWork
from shared.sealed import Sealer, development_key
from shared.time import utc_now

__all__ = [
    "SqlUnitOfWork",
    "calendar_feeds",
    "calendar_revisions",
    "campus_facts",
    "campus_members",
    "channels",
    "check_ins",
    "contacts",
    "follow_ups",
    "habits",
    "inbox",
    "interactions",
    "metadata",
    "nudge_attempts",
    "nudges",
    "outbox",
    "preferences",
    "prompts",
    "streaks",
]


DEVELOPMENT_SEALER = Sealer([development_key(DEVELOPMENT_SECRET)])
DEVELOPMENT_PSEUDONYMS = Pseudonyms(key=development_key(DEVELOPMENT_SECRET + ":campus"), key_id="development")


class SqlUnitOfWork(SessionUnitOfWork):
    projection: SqlProjection
    contacts: SqlContactsProjection
    calendar: SqlCalendar
    prompts: SqlPrompts
    nudges: SqlNudges
    campus: SqlCampus
    erasures: SqlErasures

    def __init__(
        self,
        *args: Any,
        clock: Callable[[], datetime] = utc_now,
        sealer: Sealer = DEVELOPMENT_SEALER,
        pseudonyms: Pseudonyms = DEVELOPMENT_PSEUDONYMS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock
        self._sealer = sealer
        self._pseudonyms = pseudonyms

    def bind(self, session: AsyncSession) -> None:
        self.projection = SqlProjection(session)
        self.contacts = SqlContactsProjection(session)
        self.calendar = SqlCalendar(session)
        self.prompts = SqlPrompts(session)
        self.nudges = SqlNudges(session, self._sealer)
        self.campus = SqlCampus(session)
        self.erasures = SqlErasures(session)

    async def erase_owner(self, owner_id: str) -> None:
        keys = [owner_id, self._pseudonyms.student(owner_id)]
        await erase_owner(
            self._session, metadata, owner_id=owner_id, outbox=outbox, keys=keys, keep=["erasures"]
        )

    def event_of(self, change: Outgoing) -> Event:
        return event_of(change, now=self._clock(), pseudonyms=self._pseudonyms)
