"""Which logged interactions earn a habit an automatic check-in.

A rule names the interaction kinds that count, and optionally the direction, the contact's
categories and the tie the contact had *before* the interaction (so "revive a dormant tie" credits
the coffee chat that woke a dormant contact up). Each measure has a default rule; free-form habits
have none and are only checked in by hand.
"""

from dataclasses import dataclass
from datetime import datetime

from shared.vocabulary import Category, Direction, HabitMeasure, InteractionKind, Tie

ALL_KINDS = frozenset(InteractionKind)


@dataclass(frozen=True)
class CreditRule:
    kinds: frozenset[InteractionKind] = ALL_KINDS
    direction: Direction | None = None
    categories: frozenset[Category] = frozenset()
    ties: frozenset[Tie] = frozenset()

    def matches(self, interaction: "InteractionFacts") -> bool:
        return (
            interaction.kind in self.kinds
            and (self.direction is None or interaction.direction is self.direction)
            and (not self.categories or interaction.category in self.categories)
            and (not self.ties or interaction.tie_before in self.ties)
        )


DEFAULT_RULES: dict[HabitMeasure, CreditRule | None] = {
    HabitMeasure.OUTREACH_MESSAGES: CreditRule(
        kinds=frozenset({InteractionKind.MESSAGE, InteractionKind.INTRODUCTION_REQUEST}),
        direction=Direction.OUTBOUND,
    ),
    HabitMeasure.INFORMATIONAL_INTERVIEWS: CreditRule(
        kinds=frozenset({InteractionKind.INFORMATIONAL_INTERVIEW})
    ),
    HabitMeasure.GIVE_FIRST_ACTS: CreditRule(kinds=frozenset({InteractionKind.GIVE_FIRST})),
    HabitMeasure.DORMANT_TIES_REVIVED: CreditRule(ties=frozenset({Tie.DORMANT})),
    HabitMeasure.EVENTS_ATTENDED: CreditRule(kinds=frozenset({InteractionKind.EVENT})),
    HabitMeasure.FREE_FORM: None,
}


@dataclass(frozen=True)
class InteractionFacts:
    """What the habits service knows of an interaction, from the contacts stream."""

    interaction_id: str
    kind: InteractionKind
    direction: Direction
    occurred_at: datetime
    category: Category
    tie_before: Tie
    version: int
    deleted: bool = False
