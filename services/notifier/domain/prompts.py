"""Keep-alive prompts: when a contact is due for a touch, what to suggest, and when to hold back.

**Due.** ``shared.cadence.due_at``, the rule the contacts service's "going cold" follows too: one
cadence after the last interaction (when it happened, not when it was logged), or after the
contact was added if it was never met. The cadence is the contact's own (the contacts service
gives each contact one: per tie by default, or the owner's choice for that person); an owner may
replace the default of a whole tie here.

**Suggestion.** One concrete give-first action that fits the person: something on one of their
tags, congratulations on news at their company, one specific question about their role, an
introduction, or a revival opener for a dormant tie. Someone the owner does not know yet (cold,
never met) first gets a first contact: a short introduction that says why them, with one
specific, small ask. The suggestion never repeats the kind of the
previous one for the same contact, and rotates through the tags.

**Comfort and energy.** An owner may say how they like to network: online or in person, one to
one or in groups. Each suggestion then says how to do it that way; and now and then (one cycle in
:data:`STRETCH_EVERY` for a contact) it proposes one step just outside it: the same medium, the
other size (a group person meets one person; a one-to-one person joins a group).

**Politeness.** After two outbound touches in a row that got no answer, the contact is held
until they answer (an inbound interaction, or an outcome that shows a reply) or the owner resets
it. Nudges about it wait out the owner's quiet hours (``quiet_hours.py``) and daily limit.

**A prompt's life.** Each contact has one prompt at a time, for the cycle that ends with the next
interaction: logging one moves the due moment, which resolves the prompt and opens the next cycle
(snooze and dismissal are forgotten, the suggestion moves on). The owner may snooze a prompt to a
later moment or dismiss it for this cycle; the scheduler wakes a prompt once per moment it
becomes due (``wake_at``), so a redelivered event or a second instance nudges nobody twice.
"""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from shared import cadence as cadences
from shared.cadence import DEFAULT_CADENCE_DAYS as DEFAULT_CADENCE
from shared.errors import DomainError, InvalidTransition
from shared.vocabulary import Category, Direction, Outcome, Tie, Warmth

UNANSWERED_LIMIT = 2
LONGEST_SNOOZE = timedelta(days=365)


STRETCH_EVERY = 4


class Medium(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class Size(StrEnum):
    ONE_TO_ONE = "one_to_one"
    GROUPS = "groups"


@dataclass(frozen=True)
class Style:
    """How the owner likes to network."""

    medium: Medium
    size: Size

    @property
    def stretched(self) -> "Style":
        """One step outside: the same medium, the other size."""
        return Style(self.medium, Size.GROUPS if self.size is Size.ONE_TO_ONE else Size.ONE_TO_ONE)


WAYS = {
    Style(Medium.ONLINE, Size.ONE_TO_ONE): "by a direct message or a short video call",
    Style(Medium.ONLINE, Size.GROUPS): "in an online community or group chat you share",
    Style(Medium.IN_PERSON, Size.ONE_TO_ONE): "over a coffee or a walk",
    Style(Medium.IN_PERSON, Size.GROUPS): "at a meetup or event they go to",
}


def stretch_now(contact_id: str, due_at: datetime) -> bool:
    """Whether this cycle of this contact's prompt is one that stretches (stable per cycle)."""
    return zlib.crc32(f"{contact_id}:{due_at.date().isoformat()}".encode()) % STRETCH_EVERY == 0


def styled(suggestion: "Suggestion", style: Style | None, *, stretch: bool) -> "Suggestion":
    """The suggestion said the owner's way, or one step outside it."""
    if style is None:
        return suggestion
    if stretch:
        way = f" This time, try it {WAYS[style.stretched]}: one step outside your usual way."
    else:
        way = f" Do it {WAYS[style]}."
    return replace(suggestion, text=suggestion.text + way)


class SuggestionKind(StrEnum):
    SHARE = "share"
    CONGRATULATE = "congratulate"
    ASK = "ask"
    INTRODUCE = "introduce"
    REVIVE = "revive"
    CHECK_IN = "check_in"
    FIRST_CONTACT = "first_contact"


@dataclass(frozen=True)
class Person:
    """What the notifier knows of a contact."""

    id: str
    name: str
    tie: Tie
    category: Category
    cadence_days: int
    added_at: datetime
    last_interaction_at: datetime | None = None
    company: str | None = None
    role: str | None = None
    tags: tuple[str, ...] = ()
    warmth: Warmth = Warmth.WARM

    @property
    def never_met(self) -> bool:
        """Someone the owner does not know yet and has not been in touch with."""
        return self.warmth is Warmth.COLD and self.last_interaction_at is None


@dataclass(frozen=True)
class Touch:
    direction: Direction
    occurred_at: datetime
    outcome: Outcome | None = None

    @property
    def answered(self) -> bool:
        """The contact answered: they reached out (inbound), or the outcome shows a reply."""
        return self.direction is Direction.INBOUND or (self.outcome is not None and self.outcome.answered)


@dataclass(frozen=True)
class Suggestion:
    kind: SuggestionKind
    text: str
    topic: str | None = None


def cadence(person: Person, owner_cadence: dict[Tie, int] | None = None) -> int:
    """The person's cadence in days: their own if it differs from the tie's default, else the
    owner's choice for the tie, else the default."""
    default = DEFAULT_CADENCE[person.tie]
    if person.cadence_days != default or not owner_cadence:
        return person.cadence_days
    return owner_cadence.get(person.tie, default)


def due_at(person: Person, owner_cadence: dict[Tie, int] | None = None) -> datetime:
    return cadences.due_at(
        last_interaction_at=person.last_interaction_at,
        added_at=person.added_at,
        cadence_days=cadence(person, owner_cadence),
    )


def unanswered(touches: Sequence[Touch]) -> int:
    """Outbound touches since the contact last answered (an inbound interaction, or one whose
    outcome shows a reply: replied, meeting booked, introduction made, opportunity)."""
    count = 0
    for touch in sorted(touches, key=lambda t: t.occurred_at, reverse=True):
        if touch.answered:
            break
        if touch.direction is Direction.OUTBOUND:
            count += 1
    return count


def held_back(touches: Sequence[Touch], *, reset_at: datetime | None = None) -> bool:
    """Two unanswered outbound touches in a row (after the owner's last reset) hold a contact."""
    counted = [t for t in touches if reset_at is None or t.occurred_at > reset_at]
    return unanswered(counted) >= UNANSWERED_LIMIT


def suggest(person: Person, previous: Suggestion | None = None) -> Suggestion:
    """The first fitting suggestion whose kind differs from the previous one's."""
    options = _options(person, previous)
    for option in options:
        if previous is None or option.kind is not previous.kind:
            return option
    return options[0]


def _options(person: Person, previous: Suggestion | None) -> list[Suggestion]:
    """Every suggestion that fits the person, the most specific first; a check-in always fits."""
    found = [
        _opener(person),
        _share(person, previous),
        _congratulate(person),
        _ask(person),
        _introduce(person),
    ]
    check_in = f"Send {person.name} a short note: what has changed for them lately?"
    return [*(option for option in found if option), Suggestion(SuggestionKind.CHECK_IN, check_in)]


def _opener(person: Person) -> Suggestion | None:
    """A first contact for someone not met yet; a revival for a dormant tie."""
    if person.never_met:
        at = " at " + person.company if person.company else ""
        work = f"their work as {person.role}{at}" if person.role else f"what they do{at}"
        return Suggestion(
            SuggestionKind.FIRST_CONTACT,
            f"Introduce yourself to {person.name} in a few lines: who you are, why them ({work}), and "
            "one small ask: 15 minutes on a call in the next two weeks, with two times that suit you.",
        )
    if person.tie is Tie.DORMANT:
        return Suggestion(
            SuggestionKind.REVIVE,
            f"Reconnect with {person.name}: recall one thing from your last conversation and ask what "
            "they are working on now.",
        )
    return None


def _share(person: Person, previous: Suggestion | None) -> Suggestion | None:
    """Something on one of their tags, the next tag after the one suggested last."""
    if not person.tags:
        return None
    topics = sorted(person.tags)
    start = (topics.index(previous.topic) + 1) % len(topics) if previous and previous.topic in topics else 0
    topic = topics[start]
    return Suggestion(
        SuggestionKind.SHARE, f"Send {person.name} something worth reading on {topic}.", topic=topic
    )


def _congratulate(person: Person) -> Suggestion | None:
    if not person.company:
        return None
    text = f"Look for news at {person.company} and congratulate {person.name} on it."
    return Suggestion(SuggestionKind.CONGRATULATE, text)


def _ask(person: Person) -> Suggestion | None:
    if not person.role:
        return None
    text = f"Ask {person.name} one specific question about their work as {person.role}."
    return Suggestion(SuggestionKind.ASK, text)


def _introduce(person: Person) -> Suggestion | None:
    if person.category not in (Category.PEER, Category.ALUMNI, Category.EXISTING_NETWORK) and not person.tags:
        return None
    text = f"Offer {person.name} an introduction to someone in your network they would enjoy meeting."
    return Suggestion(SuggestionKind.INTRODUCE, text)


class PromptStatus(StrEnum):
    WAITING = "waiting"
    DUE = "due"
    SNOOZED = "snoozed"
    DISMISSED = "dismissed"
    HELD = "held"


@dataclass(frozen=True)
class Prompt:
    """A contact's keep-alive prompt for the current cycle."""

    contact_id: str
    owner_id: str
    added_at: datetime
    """When the notifier first saw the contact."""
    due_at: datetime
    suggestion: Suggestion
    previous: Suggestion | None = None
    """The suggestion of the previous cycle, which this one must not repeat."""
    held: bool = False
    archived: bool = False
    snoozed_until: datetime | None = None
    dismissed: bool = False
    nudged_for: datetime | None = None
    """The moment the scheduler last nudged for (``wake_at`` it handled)."""
    reset_at: datetime | None = None

    def status(self, now: datetime) -> PromptStatus:
        if self.held:
            return PromptStatus.HELD
        if self.dismissed:
            return PromptStatus.DISMISSED
        if self.snoozed_until is not None and self.snoozed_until > now:
            return PromptStatus.SNOOZED
        return PromptStatus.DUE if self.due_at <= now else PromptStatus.WAITING

    @property
    def wake_at(self) -> datetime | None:
        """When the scheduler must look at this prompt next; None when nothing is to be sent."""
        if self.archived or self.held or self.dismissed:
            return None
        moment = max(self.due_at, self.snoozed_until) if self.snoozed_until else self.due_at
        if self.nudged_for is not None and self.nudged_for >= moment:
            return None
        return moment


def follow(
    prompt: Prompt | None,
    *,
    owner_id: str,
    person: Person,
    archived: bool,
    touches: Sequence[Touch],
    owner_cadence: dict[Tie, int] | None = None,
    style: Style | None = None,
) -> Prompt:
    """The prompt after the contact, its interactions or the owner's cadence or style changed. A
    new due moment resolves the current cycle and opens the next one."""
    due = due_at(person, owner_cadence)

    def fitting(previous: Suggestion | None = None) -> Suggestion:
        return styled(suggest(person, previous), style, stretch=stretch_now(person.id, due))

    if prompt is None:
        return Prompt(
            contact_id=person.id,
            owner_id=owner_id,
            added_at=person.added_at,
            due_at=due,
            suggestion=fitting(),
            held=held_back(touches),
            archived=archived,
        )
    held = held_back(touches, reset_at=prompt.reset_at)
    if due != prompt.due_at:
        return replace(
            prompt,
            due_at=due,
            suggestion=fitting(prompt.suggestion),
            previous=prompt.suggestion,
            held=held,
            archived=archived,
            snoozed_until=None,
            dismissed=False,
            nudged_for=None,
        )
    return replace(prompt, suggestion=fitting(prompt.previous), held=held, archived=archived)


def snooze(prompt: Prompt, *, until: datetime, now: datetime) -> Prompt:
    """Hide a due prompt until ``until`` (then it is due, and nudged, again)."""
    if prompt.status(now) not in (PromptStatus.DUE, PromptStatus.SNOOZED):
        raise InvalidTransition(f"only a due prompt can be snoozed; this one is {prompt.status(now)}")
    if not now < until <= now + LONGEST_SNOOZE:
        raise DomainError("snooze until a moment in the next 365 days", field="until")
    return replace(prompt, snoozed_until=until)


def dismiss(prompt: Prompt, *, now: datetime) -> Prompt:
    """No more nudges for this cycle; the next interaction opens a new one."""
    if prompt.status(now) not in (PromptStatus.DUE, PromptStatus.SNOOZED):
        raise InvalidTransition(f"only a due prompt can be dismissed; this one is {prompt.status(now)}")
    return replace(prompt, dismissed=True)


def reset(prompt: Prompt, *, now: datetime) -> Prompt:
    """Forget the unanswered touches so far: the contact is prompted again."""
    if not prompt.held:
        raise InvalidTransition("the prompt is not held back")
    return replace(prompt, held=False, reset_at=now)
