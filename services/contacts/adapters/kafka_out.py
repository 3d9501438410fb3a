"""Contract events built from the tracker's changes: what leaves the contacts service."""

from services.contacts.domain.changes import Change, ChangeKind, ContactErasure, ErasureAsked, GoalChange
from services.contacts.domain.model import Contact, FollowUp, Interaction
from shared.contracts import contacts as contract
from shared.contracts.base import EventData

SOURCE = "/keepwarm/contacts"


def contact_snapshot(contact: Contact) -> contract.ContactSnapshot:
    return contract.ContactSnapshot(
        id=contact.id,
        display_name=contact.name,
        company=contact.company,
        role=contact.role,
        category=contact.category,
        tie=contact.tie,
        warmth=contact.warmth,
        tags=contact.tags,
        cadence_days=contact.cadence_days,
        last_interaction_at=contact.last_interaction_at,
        archived=contact.archived,
        origin=contact.origin,
        version=contact.version,
    )


def interaction_snapshot(interaction: Interaction) -> contract.InteractionSnapshot:
    return contract.InteractionSnapshot(
        id=interaction.id,
        contact_id=interaction.contact_id,
        kind=interaction.kind,
        give_first_kind=interaction.give_first_kind,
        direction=interaction.direction,
        occurred_at=interaction.occurred_at,
        outcome=interaction.outcome,
        takeaway=interaction.takeaway,
        origin=interaction.origin,
        version=interaction.version,
    )


def follow_up_snapshot(follow_up: FollowUp) -> contract.FollowUpSnapshot:
    return contract.FollowUpSnapshot(
        id=follow_up.id,
        contact_id=follow_up.contact_id,
        interaction_id=follow_up.interaction_id,
        title=follow_up.title,
        due_at=follow_up.due_at,
        proposed_times=follow_up.proposed_times,
        status=follow_up.status,
        version=follow_up.version,
    )


def goal_event(change: GoalChange) -> contract.GoalEvent:
    goal = change.goal
    snapshot = contract.GoalSnapshot(
        id=goal.id,
        kind=goal.kind.value,
        title=goal.title,
        target=goal.target,
        progress=goal.progress,
        month=goal.month,
        reached_at=goal.reached_at,
        version=goal.version,
    )
    stamp = {"owner_id": goal.owner_id, "occurred_at": change.at, "recorded_at": change.at, "goal": snapshot}
    return contract.GoalReached(**stamp) if change.reached else contract.GoalProgressed(**stamp)


def event_of(change: Change | GoalChange | ContactErasure | ErasureAsked) -> EventData:
    if isinstance(change, GoalChange):
        return goal_event(change)
    if isinstance(change, ErasureAsked):
        return contract.ErasureRequested(
            owner_id=change.owner_id, occurred_at=change.at, recorded_at=change.at
        )
    if isinstance(change, ContactErasure):
        return contract.ContactErased(
            owner_id=change.owner_id,
            occurred_at=change.at,
            recorded_at=change.at,
            contact_id=change.contact_id,
            interaction_ids=change.interaction_ids,
            follow_up_ids=change.follow_up_ids,
        )
    common = {
        "owner_id": change.contact.owner_id,
        "occurred_at": change.occurred_at,
        "recorded_at": change.recorded_at,
        "contact": contact_snapshot(change.contact),
    }
    match change.kind:
        case ChangeKind.CONTACT_ADDED:
            return contract.ContactAdded(**common)
        case ChangeKind.CONTACT_UPDATED:
            return contract.ContactUpdated(**common, changed=change.changed)
        case ChangeKind.CONTACT_ARCHIVED:
            return contract.ContactArchived(**common)
        case ChangeKind.DRAFT_SENT:
            assert change.draft is not None
            assert change.draft.interaction_id is not None
            return contract.DraftSent(
                **common,
                draft_id=change.draft.id,
                interaction_id=change.draft.interaction_id,
                passed=tuple(f.rule.value for f in change.findings if f.passed),
                failed=tuple(f.rule.value for f in change.findings if not f.passed),
            )
        case ChangeKind.INTERVIEW_PREPARED:
            interview = change.interview
            assert interview is not None
            return contract.InterviewPrepared(
                **common,
                interview_id=interview.id,
                scheduled_at=interview.scheduled_at,
                questions=len(interview.questions),
                reminder_id=interview.reminder_id,
            )
        case ChangeKind.INTERACTION_LOGGED | ChangeKind.INTERACTION_UPDATED | ChangeKind.INTERACTION_DELETED:
            assert change.interaction is not None
            interaction = {
                "interaction": interaction_snapshot(change.interaction),
                "previous_tie": change.previous_tie,
            }
            if change.kind is ChangeKind.INTERACTION_LOGGED:
                return contract.InteractionLogged(**common, **interaction)
            if change.kind is ChangeKind.INTERACTION_UPDATED:
                return contract.InteractionUpdated(**common, **interaction, changed=change.changed)
            return contract.InteractionDeleted(**common, **interaction)
    assert change.follow_up is not None
    follow_up = follow_up_snapshot(change.follow_up)
    kinds: dict[ChangeKind, type[contract.FollowUpEvent]] = {
        ChangeKind.FOLLOW_UP_SCHEDULED: contract.FollowUpScheduled,
        ChangeKind.FOLLOW_UP_COMPLETED: contract.FollowUpCompleted,
        ChangeKind.FOLLOW_UP_CANCELLED: contract.FollowUpCancelled,
    }
    return kinds[change.kind](**common, follow_up=follow_up)
