"""The contacts use cases against in-memory fakes of their ports: no database, no HTTP."""

from datetime import UTC, datetime, timedelta

import pytest

from services.contacts import contacts, follow_ups, interactions
from services.contacts.domain.changes import ChangeKind
from services.contacts.domain.commands import NewContact, NewFollowUp, NewInteraction
from shared.errors import DomainError, InvalidTransition
from shared.vocabulary import FollowUpStatus, InteractionKind, Tie
from tests.use_cases.fakes import FakeContactsWork

OWNER = "student-1"
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


async def test_a_conversation_months_ago_revives_a_dormant_tie_and_moves_when_it_is_due() -> None:
    work = FakeContactsWork()
    ada = await contacts.add_contact(
        uow=work,
        owner_id=OWNER,
        fields=NewContact(name="Ada", tie=Tie.DORMANT),
        now=NOW - timedelta(days=400),
    )
    met = NOW - timedelta(days=10)
    contact, _ = await interactions.log_interaction(
        uow=work,
        owner_id=OWNER,
        contact_id=ada.id,
        fields=NewInteraction(kind=InteractionKind.COFFEE_OR_CALL, occurred_at=met),
        now=NOW,
    )
    assert (contact.tie, contact.last_interaction_at) == (Tie.WEAK, met)
    assert contact.due_at == met + timedelta(days=60)
    logged = work.published[-1]
    assert (logged.kind, logged.previous_tie, logged.occurred_at) == (
        ChangeKind.INTERACTION_LOGGED,
        Tie.DORMANT,
        met,
    )

    _, now_logged = await interactions.log_interaction(
        uow=work,
        owner_id=OWNER,
        contact_id=ada.id,
        fields=NewInteraction(kind=InteractionKind.MESSAGE),
        now=NOW,
    )
    assert now_logged.occurred_at == NOW  # no occurred_at: it happened now


async def test_archiving_cancels_open_follow_ups_and_refuses_new_ones() -> None:
    work = FakeContactsWork()
    grace = await contacts.add_contact(uow=work, owner_id=OWNER, fields=NewContact(name="Grace"), now=NOW)
    step = await follow_ups.schedule_follow_up(
        uow=work,
        owner_id=OWNER,
        contact_id=grace.id,
        fields=NewFollowUp(title="Send the paper", due_at=NOW + timedelta(days=2)),
        now=NOW,
    )
    await contacts.archive_contact(uow=work, owner_id=OWNER, contact_id=grace.id, now=NOW)
    assert work.follow_ups.rows[step.id].status is FollowUpStatus.CANCELLED
    assert [c.kind for c in work.published[-2:]] == [
        ChangeKind.FOLLOW_UP_CANCELLED,
        ChangeKind.CONTACT_ARCHIVED,
    ]
    with pytest.raises(DomainError):
        await follow_ups.schedule_follow_up(
            uow=work,
            owner_id=OWNER,
            contact_id=grace.id,
            fields=NewFollowUp(title="Again", due_at=NOW + timedelta(days=3)),
            now=NOW,
        )
    with pytest.raises(InvalidTransition):
        await contacts.update_contact(
            uow=work, owner_id=OWNER, contact_id=grace.id, changes={"role": "x"}, now=NOW
        )


async def test_a_required_field_cannot_be_cleared_and_nothing_is_half_written() -> None:
    work = FakeContactsWork()
    ada = await contacts.add_contact(uow=work, owner_id=OWNER, fields=NewContact(name="Ada"), now=NOW)
    with pytest.raises(DomainError) as refused:
        await contacts.update_contact(
            uow=work, owner_id=OWNER, contact_id=ada.id, changes={"company": "IBM", "tie": None}, now=NOW
        )
    assert refused.value.field == "tie"
    assert work.contacts.rows[ada.id].company is None
