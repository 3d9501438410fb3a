"""Coaching routes: outreach drafts with the warm-message check, informational interviews as a
pipeline, and networking goals."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from services.contacts import goals as goal_cases
from services.contacts import interviews as interview_cases
from services.contacts import outreach
from services.contacts.adapters.http.fields import Strict
from services.contacts.domain.goals import MAX_TARGET, Goal, GoalKind
from services.contacts.domain.interviews import (
    MAX_QUESTIONS,
    QUESTION_LIMIT,
    Interview,
    ProposalKind,
    ProposalStatus,
    Stage,
)
from services.contacts.domain.outreach import BODY_LIMIT, SUBJECT_LIMIT, Part, Rule
from services.contacts.ports import UnitOfWorkFactory
from shared.bounds import Moment

Subject = Annotated[str, Field(min_length=1, max_length=SUBJECT_LIMIT)]
Body = Annotated[str, Field(min_length=1, max_length=BODY_LIMIT)]
Question = Annotated[str, Field(min_length=1, max_length=QUESTION_LIMIT)]


class DraftIn(Strict):
    subject: Subject = Field(description="Say who you are and why you write.")
    body: Body


class DraftChanges(Strict):
    subject: Subject | None = None
    body: Body | None = None


class SpanOut(BaseModel):
    part: Part
    start: int = Field(description="Offset of the first character, in the subject or the body.")
    end: int = Field(description="Offset after the last character.")
    text: str


class FindingOut(BaseModel):
    rule: Rule
    passed: bool
    explanation: str = Field(description="What the rule found, in plain words.")
    spans: list[SpanOut] = Field(description="The words it is about.")


class DraftOut(BaseModel):
    id: str
    contact_id: str
    subject: str
    body: str
    findings: list[FindingOut] = Field(description="One per warm-message rule.")
    sent_at: datetime | None
    interaction_id: str | None = Field(description="The outbound message logged when it was sent.")
    created_at: datetime
    updated_at: datetime
    version: int


def draft_out(checked: outreach.Checked) -> DraftOut:
    draft = checked.draft
    return DraftOut(
        id=draft.id,
        contact_id=draft.contact_id,
        subject=draft.subject,
        body=draft.body,
        findings=[
            FindingOut(
                rule=f.rule,
                passed=f.passed,
                explanation=f.explanation,
                spans=[SpanOut(part=s.part, start=s.start, end=s.end, text=s.text) for s in f.spans],
            )
            for f in checked.findings
        ],
        sent_at=draft.sent_at,
        interaction_id=draft.interaction_id,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
        version=draft.version,
    )


class InterviewIn(Strict):
    scheduled_at: Moment = Field(description="When the conversation is planned.")
    questions: list[Question] | None = Field(
        default=None,
        max_length=MAX_QUESTIONS,
        description="Your questions; by default a starter set to edit.",
    )


class InterviewChanges(Strict):
    scheduled_at: Moment | None = None
    questions: list[Question] | None = Field(default=None, min_length=1, max_length=MAX_QUESTIONS)


class HeldIn(Strict):
    takeaway: Annotated[str, Field(min_length=1, max_length=1000)] = Field(
        description="The one takeaway you will follow up on."
    )
    occurred_at: Moment | None = Field(default=None, description="When it happened; now by default.")


class AcceptIn(Strict):
    due_at: Moment | None = Field(default=None, description="Another date than the one proposed.")


class ProposalOut(BaseModel):
    kind: ProposalKind
    due_at: datetime
    status: ProposalStatus
    follow_up_id: str | None = Field(description="The follow-up it became, once accepted.")


class InterviewOut(BaseModel):
    id: str
    contact_id: str
    scheduled_at: datetime
    questions: list[str]
    reminder_id: str | None = Field(description="The follow-up reminding you to send the questions ahead.")
    stage: Stage
    interaction_id: str | None
    takeaway: str | None
    proposals: list[ProposalOut] = Field(
        description="Once held: a thank-you and an update, to accept or drop."
    )
    version: int


def interview_out(interview: Interview) -> InterviewOut:
    return InterviewOut(
        id=interview.id,
        contact_id=interview.contact_id,
        scheduled_at=interview.scheduled_at,
        questions=list(interview.questions),
        reminder_id=interview.reminder_id,
        stage=interview.stage,
        interaction_id=interview.interaction_id,
        takeaway=interview.takeaway,
        proposals=[
            ProposalOut(kind=p.kind, due_at=p.due_at, status=p.status, follow_up_id=p.follow_up_id)
            for p in interview.proposals
        ],
        version=interview.version,
    )


class GoalIn(Strict):
    kind: GoalKind
    target: int = Field(ge=1, le=MAX_TARGET)
    role: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="For people_in_role: the role you want (matched in contacts' roles)."
    )


class GoalOut(BaseModel):
    id: str
    kind: GoalKind
    title: str
    target: int
    progress: int
    role: str | None
    month: date | None = Field(description="For a monthly goal: the month (its first day, UTC).")
    reached_at: datetime | None


def goal_out(goal: Goal) -> GoalOut:
    return GoalOut(
        id=goal.id,
        kind=goal.kind,
        title=goal.title,
        target=goal.target,
        progress=goal.progress,
        role=goal.role,
        month=goal.month,
        reached_at=goal.reached_at,
    )


def coaching_routes(*, uow: UnitOfWorkFactory, owner: Any, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post("/contacts/{contact_id}/drafts", status_code=status.HTTP_201_CREATED, tags=["drafts"])
    async def write_draft(contact_id: str, body: DraftIn, owner_id: Owner) -> DraftOut:
        return draft_out(
            await outreach.write_draft(
                uow=uow,
                owner_id=owner_id,
                contact_id=contact_id,
                subject=body.subject,
                body=body.body,
                now=clock(),
            )
        )

    @router.get("/contacts/{contact_id}/drafts", tags=["drafts"])
    async def list_drafts(contact_id: str, owner_id: Owner) -> list[DraftOut]:
        return [
            draft_out(c) for c in await outreach.drafts_to(uow=uow, owner_id=owner_id, contact_id=contact_id)
        ]

    @router.get("/drafts/{draft_id}", tags=["drafts"])
    async def read_draft(draft_id: str, owner_id: Owner) -> DraftOut:
        return draft_out(await outreach.read_draft(uow=uow, owner_id=owner_id, draft_id=draft_id))

    @router.patch("/drafts/{draft_id}", tags=["drafts"])
    async def edit_draft(draft_id: str, body: DraftChanges, owner_id: Owner) -> DraftOut:
        return draft_out(
            await outreach.edit_draft(
                uow=uow,
                owner_id=owner_id,
                draft_id=draft_id,
                subject=body.subject,
                body=body.body,
                now=clock(),
            )
        )

    @router.delete("/drafts/{draft_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["drafts"])
    async def delete_draft(draft_id: str, owner_id: Owner) -> None:
        await outreach.delete_draft(uow=uow, owner_id=owner_id, draft_id=draft_id)

    @router.post("/drafts/{draft_id}/send", tags=["drafts"], summary="Mark sent: logs the outbound message")
    async def send_draft(draft_id: str, owner_id: Owner) -> DraftOut:
        return draft_out(
            await outreach.send_draft(uow=uow, owner_id=owner_id, draft_id=draft_id, now=clock())
        )

    @router.post(
        "/contacts/{contact_id}/interviews", status_code=status.HTTP_201_CREATED, tags=["interviews"]
    )
    async def prepare_interview(contact_id: str, body: InterviewIn, owner_id: Owner) -> InterviewOut:
        interview = await interview_cases.prepare_interview(
            uow=uow,
            owner_id=owner_id,
            contact_id=contact_id,
            scheduled_at=body.scheduled_at,
            questions=tuple(body.questions) if body.questions else None,
            now=clock(),
        )
        return interview_out(interview)

    @router.get("/interviews", tags=["interviews"])
    async def list_interviews(owner_id: Owner) -> list[InterviewOut]:
        return [interview_out(i) for i in await interview_cases.interviews_of(uow=uow, owner_id=owner_id)]

    @router.get("/interviews/{interview_id}", tags=["interviews"])
    async def read_interview(interview_id: str, owner_id: Owner) -> InterviewOut:
        return interview_out(
            await interview_cases.get_interview(uow=uow, owner_id=owner_id, interview_id=interview_id)
        )

    @router.patch("/interviews/{interview_id}", tags=["interviews"])
    async def revise_interview(interview_id: str, body: InterviewChanges, owner_id: Owner) -> InterviewOut:
        interview = await interview_cases.revise_interview(
            uow=uow,
            owner_id=owner_id,
            interview_id=interview_id,
            questions=tuple(body.questions) if body.questions is not None else None,
            scheduled_at=body.scheduled_at,
            now=clock(),
        )
        return interview_out(interview)

    @router.post(
        "/interviews/{interview_id}/held", tags=["interviews"], summary="It took place: log its takeaway"
    )
    async def log_held(interview_id: str, body: HeldIn, owner_id: Owner) -> InterviewOut:
        interview = await interview_cases.log_held(
            uow=uow,
            owner_id=owner_id,
            interview_id=interview_id,
            takeaway=body.takeaway,
            occurred_at=body.occurred_at,
            now=clock(),
        )
        return interview_out(interview)

    @router.post("/interviews/{interview_id}/proposals/{kind}/accept", tags=["interviews"])
    async def accept_proposal(
        interview_id: str, kind: ProposalKind, body: AcceptIn, owner_id: Owner
    ) -> InterviewOut:
        interview = await interview_cases.accept_proposal(
            uow=uow, owner_id=owner_id, interview_id=interview_id, kind=kind, due_at=body.due_at, now=clock()
        )
        return interview_out(interview)

    @router.post("/interviews/{interview_id}/proposals/{kind}/drop", tags=["interviews"])
    async def drop_proposal(interview_id: str, kind: ProposalKind, owner_id: Owner) -> InterviewOut:
        interview = await interview_cases.drop_proposal(
            uow=uow, owner_id=owner_id, interview_id=interview_id, kind=kind, now=clock()
        )
        return interview_out(interview)

    @router.post("/goals", status_code=status.HTTP_201_CREATED, tags=["goals"])
    async def set_goal(body: GoalIn, owner_id: Owner) -> GoalOut:
        goal = await goal_cases.set_goal(
            uow=uow, owner_id=owner_id, kind=body.kind, target=body.target, role=body.role, now=clock()
        )
        return goal_out(goal)

    @router.get("/goals", tags=["goals"])
    async def list_goals(owner_id: Owner) -> list[GoalOut]:
        return [goal_out(goal) for goal in await goal_cases.goals_of(uow=uow, owner_id=owner_id)]

    @router.delete("/goals/{goal_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["goals"])
    async def drop_goal(goal_id: str, owner_id: Owner) -> None:
        await goal_cases.drop_goal(uow=uow, owner_id=owner_id, goal_id=goal_id)

    return router
