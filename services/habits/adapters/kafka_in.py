"""What the habits service consumes: interactions from the contacts stream become check-ins; the
owner's zone and day start come from their preferences on the notifier stream."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.habits import service
from services.habits.adapters.db import SqlUnitOfWork
from services.habits.domain.credit import InteractionFacts
from services.habits.domain.model import OwnerSettings
from shared.contracts.base import EventData
from shared.contracts.contacts import ContactErased, ErasureRequested, InteractionDeleted, InteractionEvent
from shared.contracts.notifier import PreferencesChanged
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import Handler


def interaction_handler(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> Handler:
    """Translate an interaction event into the crediting use case; other contact events need nothing."""

    async def handle(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        if isinstance(event, ErasureRequested):
            await service.erase_owner(work=uow().within(session), owner_id=event.owner_id, now=clock())
            return
        if isinstance(event, ContactErased):
            await service.forget_interactions(
                work=uow().within(session),
                owner_id=event.owner_id,
                interaction_ids=event.interaction_ids,
                now=clock(),
            )
            return
        if not isinstance(event, InteractionEvent):
            return
        facts = InteractionFacts(
            interaction_id=event.interaction.id,
            kind=event.interaction.kind,
            direction=event.interaction.direction,
            occurred_at=event.interaction.occurred_at,
            category=event.contact.category,
            tie_before=event.previous_tie or event.contact.tie,
            version=event.interaction.version,
            deleted=isinstance(event, InteractionDeleted),
        )
        await service.credit_interaction(
            work=uow().within(session),
            owner_id=event.owner_id,
            facts=facts,
            event_id=envelope.id,
            now=clock(),
        )

    return handle


def preferences_handler(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> Handler:
    """The owner's new zone or day start; the notifier's other events need nothing here."""

    async def handle(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        if not isinstance(event, PreferencesChanged):
            return
        await service.follow_owner_settings(
            work=uow().within(session),
            owner_id=event.owner_id,
            settings=OwnerSettings(event.timezone, event.day_start),
            now=clock(),
        )

    return handle
