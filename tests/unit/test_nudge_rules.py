"""A prompt's life (cycles, snooze, dismissal, politeness) and when nudges may go out."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.notifier.domain.nudges import (
    MAX_ATTEMPTS,
    PAUSE_AFTER,
    Channel,
    NudgeKind,
    Preferences,
    at_risk_nudge,
    backoff,
    checked,
    digest,
    follow_up_nudge,
    next_digest,
    prompt_nudge,
    send_at,
)
from services.notifier.domain.prompts import (
    Person,
    Prompt,
    PromptStatus,
    Suggestion,
    SuggestionKind,
    Touch,
    dismiss,
    follow,
    reset,
    snooze,
)
from services.notifier.domain.quiet_hours import QuietHours
from shared.errors import DomainError, InvalidTransition
from shared.vocabulary import Category, Direction, Tie

ADDED = datetime(2026, 1, 5, 12, tzinfo=UTC)
MET = datetime(2026, 2, 1, 18, tzinfo=UTC)
DUE = MET + timedelta(days=60)


def ada(**fields: object) -> Person:
    values: dict[str, object] = {
        "id": "c1",
        "name": "Ada",
        "tie": Tie.WEAK,
        "category": Category.MENTOR,
        "cadence_days": 60,
        "added_at": ADDED,
        "last_interaction_at": MET,
        "tags": ("compilers", "ml"),
        "company": "Analytical Engines",
    }
    values.update(fields)
    return Person(**values)  # type: ignore[arg-type]


def touched(*directions: Direction, start: datetime = MET) -> list[Touch]:
    return [Touch(direction, start + timedelta(days=i)) for i, direction in enumerate(directions)]


def first(person: Person | None = None, touches: list[Touch] | None = None) -> Prompt:
    return follow(None, owner_id="o1", person=person or ada(), archived=False, touches=touches or [])


def test_a_prompt_is_due_one_cadence_after_the_last_interaction_and_wakes_once() -> None:
    prompt = first()
    assert prompt.due_at == DUE
    assert prompt.status(DUE - timedelta(seconds=1)) is PromptStatus.WAITING
    assert prompt.status(DUE) is PromptStatus.DUE
    assert prompt.wake_at == DUE
    assert replace(prompt, nudged_for=DUE).wake_at is None


def test_an_owner_cadence_for_the_tie_moves_the_due_moment() -> None:
    prompt = follow(
        None, owner_id="o1", person=ada(), archived=False, touches=[], owner_cadence={Tie.WEAK: 30}
    )
    assert prompt.due_at == MET + timedelta(days=30)


def test_a_new_interaction_resolves_the_cycle_and_the_next_suggestion_differs() -> None:
    before = snooze(first(), until=DUE + timedelta(days=3), now=DUE)
    before = replace(before, nudged_for=DUE)
    met_again = DUE + timedelta(days=1)
    after = follow(
        before, owner_id="o1", person=ada(last_interaction_at=met_again), archived=False, touches=[]
    )
    assert after.due_at == met_again + timedelta(days=60)
    assert after.previous == before.suggestion
    assert after.suggestion.kind is not before.suggestion.kind
    assert after.snoozed_until is None
    assert after.nudged_for is None
    assert after.wake_at == after.due_at


def test_an_edit_without_a_new_interaction_keeps_the_cycle() -> None:
    before = replace(first(), nudged_for=DUE, previous=Suggestion(SuggestionKind.SHARE, "", "compilers"))
    after = follow(before, owner_id="o1", person=ada(tags=("databases",)), archived=False, touches=[])
    assert after.due_at == before.due_at
    assert after.nudged_for == DUE
    assert after.suggestion.kind is not SuggestionKind.SHARE


def test_two_unanswered_outbound_touches_hold_the_prompt_until_an_answer_or_a_reset() -> None:
    held = first(touches=touched(Direction.OUTBOUND, Direction.OUTBOUND))
    assert held.held
    assert held.wake_at is None
    assert held.status(DUE) is PromptStatus.HELD
    one = first(touches=touched(Direction.OUTBOUND))
    assert not one.held
    answered = follow(
        held,
        owner_id="o1",
        person=ada(),
        archived=False,
        touches=touched(Direction.OUTBOUND, Direction.OUTBOUND, Direction.INBOUND),
    )
    assert not answered.held
    released = reset(held, now=DUE)
    assert not released.held
    assert released.wake_at == DUE
    again = follow(
        released,
        owner_id="o1",
        person=ada(),
        archived=False,
        touches=touched(Direction.OUTBOUND, Direction.OUTBOUND),
    )
    assert not again.held  # the touches before the reset no longer count
    with pytest.raises(InvalidTransition):
        reset(one, now=DUE)


def test_snooze_hides_a_due_prompt_and_wakes_it_at_the_end() -> None:
    prompt = replace(first(), nudged_for=DUE)
    with pytest.raises(InvalidTransition):
        snooze(prompt, until=DUE + timedelta(days=1), now=DUE - timedelta(days=1))
    with pytest.raises(DomainError):
        snooze(prompt, until=DUE - timedelta(hours=1), now=DUE)
    with pytest.raises(DomainError):
        snooze(prompt, until=DUE + timedelta(days=400), now=DUE)
    snoozed = snooze(prompt, until=DUE + timedelta(days=2), now=DUE)
    assert snoozed.status(DUE + timedelta(days=1)) is PromptStatus.SNOOZED
    assert snoozed.status(DUE + timedelta(days=2)) is PromptStatus.DUE
    assert snoozed.wake_at == DUE + timedelta(days=2)


def test_dismissal_lasts_until_the_next_interaction_and_archived_contacts_never_wake() -> None:
    dismissed = dismiss(first(), now=DUE)
    assert dismissed.status(DUE) is PromptStatus.DISMISSED
    assert dismissed.wake_at is None
    with pytest.raises(InvalidTransition):
        dismiss(first(), now=DUE - timedelta(days=1))
    later = DUE + timedelta(days=5)
    reopened = follow(
        dismissed, owner_id="o1", person=ada(last_interaction_at=later), archived=False, touches=[]
    )
    assert not reopened.dismissed
    assert reopened.wake_at == later + timedelta(days=60)
    archived = follow(
        reopened, owner_id="o1", person=ada(last_interaction_at=later), archived=True, touches=[]
    )
    assert archived.wake_at is None


BERLIN = Preferences(timezone="Europe/Berlin", quiet=QuietHours(time(22, 0), time(7, 30)), daily_limit=2)


def test_quiet_hours_hold_nudges_until_they_end_across_the_spring_forward_night() -> None:
    # 29 March 2026: Berlin moves from +01:00 to +02:00 at 02:00 local.
    night = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # 00:30 local, quiet
    assert send_at(night, BERLIN, kind=NudgeKind.PROMPT, sent_today=0) == datetime(
        2026, 3, 29, 5, 30, tzinfo=UTC
    )
    evening = datetime(2026, 3, 29, 19, 0, tzinfo=UTC)  # 21:00 local
    assert send_at(evening, BERLIN, kind=NudgeKind.PROMPT, sent_today=0) == evening


def test_the_daily_limit_moves_nudges_to_the_next_morning_but_not_channel_notices() -> None:
    noon = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)  # 12:00 local, the day before fall-back
    assert send_at(noon, BERLIN, kind=NudgeKind.PROMPT, sent_today=1) == noon
    tomorrow = datetime(2026, 10, 25, 6, 30, tzinfo=UTC)  # 07:30 local, now +01:00
    assert send_at(noon, BERLIN, kind=NudgeKind.PROMPT, sent_today=2) == tomorrow
    assert send_at(noon, BERLIN, kind=NudgeKind.CHANNEL_PAUSED, sent_today=9) == noon


def test_the_digest_comes_at_its_local_time_each_day() -> None:
    chosen = replace(BERLIN, digest=True, digest_time=time(8, 0))
    before = datetime(2026, 3, 28, 6, 0, tzinfo=UTC)  # 07:00 local (+01:00)
    assert next_digest(before, chosen) == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    assert next_digest(datetime(2026, 3, 28, 7, 0, tzinfo=UTC), chosen) == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )
    with pytest.raises(DomainError):
        checked(replace(chosen, digest_time=time(23, 0)))
    with pytest.raises(DomainError):
        checked(replace(chosen, daily_limit=0))
    with pytest.raises(DomainError):
        checked(replace(chosen, cadence={Tie.WEAK: 1000}))


def test_retries_back_off_and_a_failing_channel_pauses() -> None:
    base = timedelta(minutes=1)
    assert [backoff(n, base=base) for n in range(1, MAX_ATTEMPTS)] == [
        timedelta(minutes=1),
        timedelta(minutes=4),
        timedelta(minutes=16),
        timedelta(minutes=64),
    ]
    assert backoff(9, base=base) == timedelta(hours=6)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    channel = Channel("ch1", "o1", "Phone", "ntfy", "ntfy://host/topic", "ntfy://host/topic", now)
    for _ in range(PAUSE_AFTER - 1):
        channel = channel.after_attempt(ok=False, now=now)
    assert channel.paused_at is None
    assert channel.after_attempt(ok=True, now=now).failures == 0
    paused = channel.after_attempt(ok=False, now=now)
    assert paused.paused_at == now
    assert paused.after_attempt(ok=False, now=now + timedelta(hours=1)).paused_at == now


def test_messages_name_the_person_and_a_digest_groups_them() -> None:
    suggestion = Suggestion(SuggestionKind.SHARE, "Send Ada something worth reading on ml.", "ml")
    prompt = prompt_nudge(owner_id="o1", contact_id="c1", name="Ada", suggestion=suggestion, moment=DUE)
    assert prompt.title == "Keep in touch with Ada"
    assert prompt.key == f"prompt:c1:{DUE.isoformat()}"
    due = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    follow_up = follow_up_nudge(
        owner_id="o1",
        follow_up_id="f1",
        name="Ada",
        title="Send the deck",
        due_at=due,
        timezone="America/New_York",
        takeaway="Ask about the ML team",
    )
    assert (
        follow_up.body == "Send the deck (due 10:00, America/New_York).\nYour takeaway: Ask about the ML team"
    )
    assert follow_up.expires_at == datetime(2026, 3, 4, 5, 0, tzinfo=UTC)  # local midnight
    habit = at_risk_nudge(
        owner_id="o1",
        habit_id="h1",
        name="One outreach",
        left=1,
        streak=6,
        period_end=date(2026, 3, 3),
        expires_at=due,
    )
    bundle = digest(owner_id="o1", day=date(2026, 3, 3), items=[prompt, habit, follow_up])
    assert bundle.title == "Your network today: 3 things to do"
    assert bundle.body.splitlines() == [
        "Follow-ups due:",
        "- Follow up with Ada today: Send the deck (due 10:00, America/New_York). "
        "Your takeaway: Ask about the ML team",
        "Keep in touch:",
        "- Keep in touch with Ada: Send Ada something worth reading on ml.",
        "Habits:",
        "- Still to do today: One outreach: "
        "Today is the last day to do it once more to keep your streak of 6.",
    ]
