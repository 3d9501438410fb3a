"""The informational-interview pipeline and networking goals, as rules without I/O."""

from datetime import UTC, date, datetime

import pytest

from services.contacts.domain.goals import Counted, Goal, GoalKind
from services.contacts.domain.interviews import (
    GENERAL_QUESTIONS,
    Interview,
    ProposalKind,
    ProposalStatus,
    Stage,
    starter_questions,
)
from shared.errors import DomainError, InvalidTransition
from shared.vocabulary import Category

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def interview(**fields: object) -> Interview:
    values: dict[str, object] = {
        "id": "iv",
        "owner_id": "me",
        "contact_id": "ada",
        "scheduled_at": datetime(2026, 3, 10, 15, tzinfo=UTC),
        "questions": starter_questions(Category.ALUMNI),
        "created_at": NOW,
        "updated_at": NOW,
        **fields,
    }
    return Interview(**values)  # type: ignore[arg-type]


def test_each_kind_of_contact_has_its_own_starter_questions_and_anyone_else_general_ones() -> None:
    sets = {category: starter_questions(category) for category in Category}
    assert (
        len({sets[c] for c in (Category.MENTOR, Category.PEER, Category.ALUMNI, Category.COMPANY_CONTACT)})
        == 4
    )
    assert sets[Category.RECRUITER] == sets[Category.OTHER] == GENERAL_QUESTIONS


def test_questions_are_sent_two_days_ahead_or_now_when_that_has_passed() -> None:
    assert interview().send_questions_by(NOW) == datetime(2026, 3, 8, 15, tzinfo=UTC)
    soon = interview(scheduled_at=datetime(2026, 3, 3, 9, tzinfo=UTC))
    assert soon.send_questions_by(NOW) == NOW


@pytest.mark.parametrize("questions", [(), ("  ",), tuple(f"q{n}?" for n in range(11)), ("x" * 301,)])
def test_questions_must_be_one_to_ten_of_reasonable_length(questions: tuple[str, ...]) -> None:
    with pytest.raises(DomainError, match="question"):
        interview(questions=questions)


def test_held_asks_for_the_takeaway_then_proposes_a_thank_you_and_an_update() -> None:
    held = interview()
    with pytest.raises(DomainError, match="takeaway"):
        held.held(interaction_id="t", takeaway="  ", occurred_at=NOW, now=NOW)
    held.held(
        interaction_id="t",
        takeaway="Read the notes",
        occurred_at=datetime(2026, 3, 10, 16, tzinfo=UTC),
        now=NOW,
    )
    assert held.stage is Stage.HELD
    assert [(p.kind, p.due_at, p.status) for p in held.proposals] == [
        (ProposalKind.THANK_YOU, datetime(2026, 3, 11, 10, tzinfo=UTC), ProposalStatus.PROPOSED),
        (ProposalKind.UPDATE, datetime(2026, 3, 27, 10, tzinfo=UTC), ProposalStatus.PROPOSED),
    ]
    with pytest.raises(InvalidTransition):
        held.held(interaction_id="t2", takeaway="again", occurred_at=NOW, now=NOW)
    with pytest.raises(InvalidTransition):
        held.revise(questions=("new?",), scheduled_at=None, now=NOW)


def test_a_proposal_is_accepted_moved_or_dropped_once() -> None:
    held = interview()
    with pytest.raises(InvalidTransition, match="before the interview is logged"):
        held.accept(ProposalKind.THANK_YOU, follow_up_id="f", due_at=None, now=NOW)
    held.held(interaction_id="t", takeaway="Read the notes", occurred_at=NOW, now=NOW)
    moved = datetime(2026, 4, 1, 9, tzinfo=UTC)
    assert held.accept(ProposalKind.UPDATE, follow_up_id="f", due_at=moved, now=NOW).due_at == moved
    held.drop(ProposalKind.THANK_YOU, now=NOW)
    with pytest.raises(InvalidTransition, match="dropped"):
        held.accept(ProposalKind.THANK_YOU, follow_up_id="g", due_at=None, now=NOW)
    with pytest.raises(InvalidTransition, match="accepted"):
        held.drop(ProposalKind.UPDATE, now=NOW)


def goal(kind: GoalKind, target: int = 2, role: str | None = None) -> Goal:
    return Goal(id="g", owner_id="me", kind=kind, target=target, created_at=NOW, role=role)


COUNTED = Counted(
    roles=("Senior Data Engineer", "data engineer", "Admiral"),
    revived_contacts=frozenset({"a", "b"}),
    interviews=1,
)


@pytest.mark.parametrize(
    ("kind", "role", "count"),
    [
        (GoalKind.PEOPLE_IN_ROLE, "Data Engineer", 2),
        (GoalKind.PEOPLE_IN_ROLE, "admiral", 1),
        (GoalKind.DORMANT_REVIVED, None, 2),
        (GoalKind.INFORMATIONAL_INTERVIEWS, None, 1),
    ],
)
def test_each_kind_of_goal_counts_its_own_thing(kind: GoalKind, role: str | None, count: int) -> None:
    assert goal(kind, role=role).count(COUNTED) == count


def test_a_goal_is_reached_once_even_when_its_count_falls_and_rises_again() -> None:
    people = goal(GoalKind.PEOPLE_IN_ROLE, role="data engineer")
    assert people.recount(COUNTED, now=NOW) is True
    assert people.reached_at == NOW
    assert people.recount(Counted(roles=(), revived_contacts=frozenset(), interviews=0), now=NOW) is False
    assert people.progress == 0
    assert people.recount(COUNTED, now=NOW) is False
    assert people.reached_at == NOW


def test_a_monthly_goal_counts_the_month_it_was_set_in() -> None:
    assert goal(GoalKind.DORMANT_REVIVED).month == date(2026, 3, 1)
    assert goal(GoalKind.PEOPLE_IN_ROLE, role="x").month is None


@pytest.mark.parametrize(("target", "role"), [(0, "x"), (101, "x"), (3, None), (3, " ")])
def test_a_goal_needs_a_sensible_target_and_for_people_a_role(target: int, role: str | None) -> None:
    with pytest.raises(DomainError):
        goal(GoalKind.PEOPLE_IN_ROLE, target=target, role=role)
