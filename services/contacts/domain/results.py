"""Your results: what worked and what did not, from the student's own log.

Each outreach (an interaction the student started) either got an answer or not: an outcome of
``replied``, ``meeting_booked``, ``introduction_made`` or ``opportunity`` is an answer, and all but
``replied`` also count as a meeting or better. Results are counted by the contact's tie, by kind of
interaction, by give-first act, and by calendar month (UTC) of when it happened, so a student sees
which kind of reaching out gets answers. Conversations the other person started count as
interactions but not as outreach.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shared.vocabulary import Direction, GiveFirstKind, InteractionKind, Outcome, Tie

ANSWERED = frozenset(
    {Outcome.REPLIED, Outcome.MEETING_BOOKED, Outcome.INTRODUCTION_MADE, Outcome.OPPORTUNITY}
)
MET = ANSWERED - {Outcome.REPLIED}
NO_GIVE_FIRST = "none"


@dataclass(frozen=True)
class Logged:
    """One interaction as results see it, with its contact's tie."""

    kind: InteractionKind
    direction: Direction
    outcome: Outcome | None
    give_first_kind: GiveFirstKind | None
    tie: Tie
    occurred_at: datetime


@dataclass
class Tally:
    interactions: int = 0
    outreach: int = 0
    answered: int = 0
    meetings: int = 0

    def add(self, logged: Logged) -> None:
        self.interactions += 1
        if logged.direction is Direction.OUTBOUND:
            self.outreach += 1
            self.answered += logged.outcome in ANSWERED
            self.meetings += logged.outcome in MET

    @property
    def answer_rate(self) -> float | None:
        """Answered outreach over outreach; None before any outreach."""
        return self.answered / self.outreach if self.outreach else None


@dataclass
class Results:
    total: Tally = field(default_factory=Tally)
    by_tie: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_give_first: dict[str, Tally] = field(default_factory=dict)
    by_month: dict[str, Tally] = field(default_factory=dict)


def results(log: Iterable[Logged]) -> Results:
    found = Results()
    groups: list[tuple[dict[str, Tally], Callable[[Logged], str]]] = [
        (found.by_tie, lambda item: item.tie.value),
        (found.by_kind, lambda item: item.kind.value),
        (
            found.by_give_first,
            lambda item: item.give_first_kind.value if item.give_first_kind else NO_GIVE_FIRST,
        ),
        (found.by_month, lambda item: f"{item.occurred_at:%Y-%m}"),
    ]
    for item in log:
        found.total.add(item)
        for tallies, key in groups:
            tallies.setdefault(key(item), Tally()).add(item)
    found.by_month = dict(sorted(found.by_month.items()))
    return found
