"""What the notifier consumes: the habits stream becomes its own projection (each batch
recomputes the streaks it touched, once per habit), and the contacts stream the copy of
contacts, interactions and follow-ups its calendars show and its keep-alive prompts follow."""

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier import erasure, streaks
from services.notifier.adapters.db import SqlUnitOfWork
from services.notifier.domain.announcements import TrackedHabit
from services.notifier.domain.campus import Fact, FactKind
from services.notifier.domain.nudges import goal_nudge
from services.notifier.domain.streaks import HabitPlan
from services.notifier.projection import (
    ContactGone,
    ContactSeen,
    FollowUpSeen,
    InteractionSeen,
    apply_contacts,
)
from services.notifier.streaks import CheckInRecord
from shared.contracts.base import EventData
from shared.contracts.contacts import (
    ContactAdded,
    ContactErased,
    ContactEvent,
    ErasureRequested,
    FollowUpCompleted,
    FollowUpEvent,
    GoalReached,
    InteractionDeleted,
    InteractionEvent,
)
from shared.contracts.habits import (
    CheckInEvent,
    HabitCheckInReverted,
    HabitEvent,
    HabitsErased,
    HabitSnapshot,
)
from shared.kafka.consumer import BatchHandler
from shared.schedules import Schedule
from shared.vocabulary import Origin


def tracked(owner_id: str, snapshot: HabitSnapshot, recorded_at: datetime | None = None) -> TrackedHabit:
    schedule = snapshot.schedule
    return TrackedHabit(
        id=snapshot.id,
        owner_id=owner_id,
        name=snapshot.name,
        timezone=snapshot.timezone,
        plan=HabitPlan(
            schedule=Schedule(
                kind=schedule.kind,
                times=schedule.times,
                every_days=schedule.every_days,
                weekdays=schedule.weekdays,
            ),
            start_date=snapshot.start_date,
            pauses=tuple((pause.start, pause.end) for pause in snapshot.pauses),
        ),
        archived=snapshot.archived,
        version=snapshot.version,
        changed_at=recorded_at,
        day_start=snapshot.day_start,
    )


def _habits_seen(events: Sequence[EventData]) -> tuple[list[TrackedHabit], list[CheckInRecord]]:
    """The habits and check-ins the events carry, as the streaks projection takes them."""
    habit_events = [event for event in events if isinstance(event, HabitEvent)]
    check_ins = [
        CheckInRecord(
            id=event.check_in.id,
            owner_id=event.owner_id,
            habit_id=event.check_in.habit_id,
            day=event.check_in.local_date,
            count=event.check_in.count,
            reverted=isinstance(event, HabitCheckInReverted),
        )
        for event in habit_events
        if isinstance(event, CheckInEvent)
    ]
    return [tracked(event.owner_id, event.habit, event.recorded_at) for event in habit_events], check_ins


def habit_events(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> BatchHandler:
    """Translate a batch of habits-stream events into the projecting use case."""

    async def apply(session: AsyncSession, events: Sequence[EventData]) -> None:
        work = uow().within(session)
        habits, check_ins = _habits_seen(events)
        await streaks.project(work=work, habits=habits, check_ins=check_ins, now=clock())
        for gone in (e for e in events if isinstance(e, HabitsErased)):
            await erasure.erase(
                work=work, owner_ids=[gone.owner_id], asked_by="habits", at=gone.occurred_at, now=clock()
            )

    return apply


def habit_states(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> BatchHandler:
    """The newest states from the habits state topic (habits and counted check-ins), into the
    projection, streaks recomputed."""

    async def apply(session: AsyncSession, events: Sequence[EventData]) -> None:
        habits, check_ins = _habits_seen(events)
        await streaks.project(work=uow().within(session), habits=habits, check_ins=check_ins, now=clock())

    return apply


def _seen(
    events: Sequence[ContactEvent],
) -> tuple[list[ContactSeen], list[InteractionSeen], list[FollowUpSeen]]:
    """The snapshots the events carry, as the projection takes them."""
    return (
        [ContactSeen(e.owner_id, e.recorded_at, e.contact) for e in events],
        [
            InteractionSeen(e.owner_id, e.recorded_at, e.interaction, isinstance(e, InteractionDeleted))
            for e in events
            if isinstance(e, InteractionEvent)
        ],
        [
            FollowUpSeen(e.owner_id, e.recorded_at, e.follow_up)
            for e in events
            if isinstance(e, FollowUpEvent)
        ],
    )


def contact_events(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> BatchHandler:
    """Translate a batch of contacts-stream events into the projecting use case."""

    async def apply(session: AsyncSession, events: Sequence[EventData]) -> None:
        found = [event for event in events if isinstance(event, ContactEvent)]
        work = uow().within(session)
        contacts, interactions, follow_ups = _seen(found)
        await apply_contacts(
            work=work,
            contacts=contacts,
            interactions=interactions,
            follow_ups=follow_ups,
            shared=[fact for e in found if (fact := campus_fact(e)) is not None],
            erased=[
                ContactGone(e.owner_id, e.contact_id, e.interaction_ids, e.follow_up_ids)
                for e in events
                if isinstance(e, ContactErased)
            ],
            celebrate=[
                goal_nudge(owner_id=e.owner_id, goal_id=e.goal.id, title=e.goal.title)
                for e in events
                if isinstance(e, GoalReached)
            ],
            now=clock(),
        )
        for asked in (e for e in events if isinstance(e, ErasureRequested)):
            await erasure.erase(
                work=work, owner_ids=[asked.owner_id], asked_by="contacts", at=asked.occurred_at, now=clock()
            )

    return apply


def contact_states(*, uow: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]) -> BatchHandler:
    """The newest states from the contacts state topic, into the projection: the copy, and what
    follows from it (prompts, feed revisions), without re-telling the campus or celebrating
    again what the live consumer already did."""

    async def apply(session: AsyncSession, events: Sequence[EventData]) -> None:
        contacts, interactions, follow_ups = _seen([e for e in events if isinstance(e, ContactEvent)])
        await apply_contacts(
            work=uow().within(session),
            contacts=contacts,
            interactions=interactions,
            follow_ups=follow_ups,
            now=clock(),
        )

    return apply


def campus_fact(event: ContactEvent) -> Fact | None:
    """What a campus may know of a contacts-stream event, if anything: a contact added, an
    interaction (logged, changed or deleted), a follow-up completed."""
    contact = event.contact
    if isinstance(event, InteractionEvent):
        talk = event.interaction
        return Fact(
            id=talk.id,
            owner_id=event.owner_id,
            kind=FactKind.INTERACTION,
            at=talk.occurred_at,
            version=talk.version,
            interaction_kind=talk.kind,
            give_first_kind=talk.give_first_kind,
            direction=talk.direction,
            tie=event.previous_tie or contact.tie,
            category=contact.category,
            outcome=talk.outcome,
            from_campus=talk.origin is Origin.CAMPUS,
            deleted=isinstance(event, InteractionDeleted),
        )
    if isinstance(event, ContactAdded):
        return Fact(
            id=contact.id,
            owner_id=event.owner_id,
            kind=FactKind.CONTACT,
            at=event.occurred_at,
            category=contact.category,
            tie=contact.tie,
            warmth=contact.warmth,
            from_campus=contact.origin is Origin.CAMPUS,
        )
    if isinstance(event, FollowUpCompleted):
        return Fact(
            id=event.follow_up.id, owner_id=event.owner_id, kind=FactKind.FOLLOW_UP, at=event.occurred_at
        )
    return None
