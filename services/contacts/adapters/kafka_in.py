"""What the contacts service consumes: the owner's choice to share with their campus (notifier
stream), and what campus tools send (campus stream), translated into the campus use cases."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.contacts import campus, erasure
from services.contacts.adapters.db import SqlUnitOfWork
from services.contacts.domain.campus import CampusKind, CampusRecord, Person
from shared.contracts import campus as contract
from shared.contracts.base import EventData
from shared.contracts.habits import HabitsErased
from shared.contracts.notifier import CampusSharingChanged, NotifierErased
from shared.kafka.cloudevents import CloudEvent
from shared.kafka.consumer import Handler


def confirmations_handler(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> Handler:
    """The habits and notifier services confirm an erasure; their other events need nothing here."""

    async def handle(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        service = {HabitsErased: "habits", NotifierErased: "notifier"}.get(type(event))
        if service is not None:
            await erasure.confirm(
                work=uow().within(session),
                owner_id=event.owner_id,
                service=service,
                at=event.occurred_at,
                now=clock(),
            )

    return handle


def sharing_handler(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> Handler:
    """The owner's choice to share with their campus, and the notifier's erasure confirmations;
    the notifier's other events need nothing."""
    confirmations = confirmations_handler(uow=uow, clock=clock)

    async def handle(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        await confirmations(session, event, envelope)
        if isinstance(event, CampusSharingChanged):
            await campus.follow_sharing(
                work=uow().within(session),
                owner_id=event.owner_id,
                sharing=event.sharing,
                at=event.occurred_at,
            )

    return handle


def campus_handler(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> Handler:
    """A campus tool's record, into the tracker."""

    async def handle(session: AsyncSession, event: EventData, envelope: CloudEvent) -> None:
        if isinstance(event, contract.CampusEvent):
            await campus.take_record(work=uow().within(session), record=record_of(event), now=clock())

    return handle


def _person(person: contract.CampusPerson) -> Person:
    return Person(
        name=person.name,
        company=person.company,
        role=person.role,
        email=person.email,
        linkedin_url=person.linkedin_url,
        category=person.category,
    )


def record_of(event: contract.CampusEvent) -> CampusRecord:
    match event:
        case contract.EventAttended():
            return CampusRecord(
                CampusKind.EVENT_ATTENDED,
                owner_id=event.owner_id,
                reference=event.reference,
                at=event.occurred_at,
                people=tuple(_person(p) for p in event.people_met),
                title=event.event_name,
            )
        case contract.MentorMatched():
            return CampusRecord(
                CampusKind.MENTOR_MATCHED,
                owner_id=event.owner_id,
                reference=event.reference,
                at=event.occurred_at,
                people=(_person(event.mentor),),
                title=event.programme,
                reason=event.reason,
            )
        case contract.AdvisingCompleted():
            return CampusRecord(
                CampusKind.ADVISING_COMPLETED,
                owner_id=event.owner_id,
                reference=event.reference,
                at=event.occurred_at,
                people=(_person(event.advisor),),
                title=event.topic,
                takeaway=event.takeaway,
            )
    raise AssertionError(f"no record for {type(event).__name__}")
