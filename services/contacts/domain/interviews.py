"""Informational interviews as a pipeline: prepared (questions, sent ahead), held (the one
takeaway), then a thank-you the next day and an update some weeks later.

Preparing one starts from a few questions for the kind of person it is with, which the student
rewrites; a follow-up reminds them to send the questions ahead. Once it is held, the two
follow-ups are proposed, not scheduled: the student accepts each (at its date or another) or
drops it, and only an accepted one becomes a follow-up like any other.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from shared.errors import DomainError, InvalidTransition
from shared.vocabulary import Category

MAX_QUESTIONS = 10
QUESTION_LIMIT = 300
SEND_AHEAD = timedelta(days=2)
THANK_YOU_AFTER = timedelta(days=1)
UPDATE_AFTER = timedelta(days=17)
"""Between two and three weeks: long enough to have done something with their advice."""

STARTER_QUESTIONS: dict[Category, tuple[str, ...]] = {
    Category.MENTOR: (
        "What do you wish you had known in your first year in this field?",
        "Which skill took you longest to build, and how did you build it?",
        "Looking at where I am now, what would you focus on next?",
    ),
    Category.PEER: (
        "What does a normal week look like for you?",
        "What helped you most when you were starting out?",
        "Which communities or events are worth my time?",
    ),
    Category.ALUMNI: (
        "How did you get from our programme to where you are now?",
        "What from the programme still helps you, and what did you have to learn on the job?",
        "Who else from your path would you suggest I talk to?",
    ),
    Category.COMPANY_CONTACT: (
        "What does your team work on, and how does it decide what to build?",
        "What do people who do well on your team have in common?",
        "How does someone early in their career learn the most there?",
    ),
}
GENERAL_QUESTIONS = (
    "How did you get into the work you do now?",
    "What is the most useful thing you learned in the last year?",
    "What would you do in my place?",
)


def starter_questions(category: Category) -> tuple[str, ...]:
    return STARTER_QUESTIONS.get(category, GENERAL_QUESTIONS)


def checked_questions(questions: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(q.strip() for q in questions if q.strip())
    if not cleaned:
        raise DomainError("prepare at least one question", field="questions")
    if len(cleaned) > MAX_QUESTIONS:
        raise DomainError(f"at most {MAX_QUESTIONS} questions", field="questions")
    if any(len(q) > QUESTION_LIMIT for q in cleaned):
        raise DomainError(f"a question is at most {QUESTION_LIMIT} characters", field="questions")
    return cleaned


class Stage(StrEnum):
    PREPARED = "prepared"
    HELD = "held"


class ProposalKind(StrEnum):
    THANK_YOU = "thank_you"
    UPDATE = "update"


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DROPPED = "dropped"


@dataclass
class Proposal:
    kind: ProposalKind
    due_at: datetime
    status: ProposalStatus = ProposalStatus.PROPOSED
    follow_up_id: str | None = None

    def title(self, name: str, takeaway: str) -> str:
        if self.kind is ProposalKind.THANK_YOU:
            return f"Thank {name} for the conversation"
        return f"Tell {name} what came of it: {takeaway}"[:300]


def at_ten(day: datetime) -> datetime:
    """Ten in the morning (UTC) of ``day``'s date: a sensible hour to be reminded."""
    return datetime.combine(day.date(), time(10), day.tzinfo)


@dataclass
class Interview:
    id: str
    owner_id: str
    contact_id: str
    scheduled_at: datetime
    questions: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    reminder_id: str | None = None
    """The follow-up that reminds to send the questions ahead."""
    stage: Stage = Stage.PREPARED
    interaction_id: str | None = None
    takeaway: str | None = None
    proposals: list[Proposal] = field(default_factory=list)
    version: int = 1

    def __post_init__(self) -> None:
        self.questions = checked_questions(self.questions)

    def send_questions_by(self, now: datetime) -> datetime:
        """When to send the questions: two days ahead, or now if that has passed."""
        return max(self.scheduled_at - SEND_AHEAD, now)

    def revise(
        self, *, questions: tuple[str, ...] | None, scheduled_at: datetime | None, now: datetime
    ) -> bool:
        if self.stage is not Stage.PREPARED:
            raise InvalidTransition(
                "the interview was held: its questions stay as they were", field="questions"
            )
        questions = self.questions if questions is None else checked_questions(questions)
        scheduled_at = self.scheduled_at if scheduled_at is None else scheduled_at
        if (questions, scheduled_at) == (self.questions, self.scheduled_at):
            return False
        self.questions, self.scheduled_at = questions, scheduled_at
        self._touch(now)
        return True

    def held(self, *, interaction_id: str, takeaway: str, occurred_at: datetime, now: datetime) -> None:
        """It took place: with its one takeaway, and the two follow-ups proposed."""
        if self.stage is not Stage.PREPARED:
            raise InvalidTransition("the interview was logged already", field="interview")
        takeaway = takeaway.strip()
        if not takeaway:
            raise DomainError("what is the one takeaway you will follow up on?", field="takeaway")
        self.stage, self.interaction_id, self.takeaway = Stage.HELD, interaction_id, takeaway
        self.proposals = [
            Proposal(ProposalKind.THANK_YOU, at_ten(occurred_at + THANK_YOU_AFTER)),
            Proposal(ProposalKind.UPDATE, at_ten(occurred_at + UPDATE_AFTER)),
        ]
        self._touch(now)

    def proposal(self, kind: ProposalKind) -> Proposal:
        for proposal in self.proposals:
            if proposal.kind is kind:
                if proposal.status is not ProposalStatus.PROPOSED:
                    raise InvalidTransition(
                        f"the {kind.value} follow-up was {proposal.status.value}", field="kind"
                    )
                return proposal
        raise InvalidTransition("nothing is proposed before the interview is logged", field="kind")

    def accept(
        self, kind: ProposalKind, *, follow_up_id: str, due_at: datetime | None, now: datetime
    ) -> Proposal:
        proposal = self.proposal(kind)
        proposal.status, proposal.follow_up_id = ProposalStatus.ACCEPTED, follow_up_id
        proposal.due_at = due_at or proposal.due_at
        self._touch(now)
        return proposal

    def drop(self, kind: ProposalKind, *, now: datetime) -> None:
        self.proposal(kind).status = ProposalStatus.DROPPED
        self._touch(now)

    def _touch(self, now: datetime) -> None:
        self.updated_at, self.version = now, self.version + 1
