"""What callers may ask of the contacts use cases, typed: the fields of a new contact, interaction or
follow-up, and the fields a partial update changes (``None`` clears a field where the entity
allows it: see ``REQUIRED`` on each entity)."""

from datetime import datetime
from typing import NotRequired, TypedDict

from shared.vocabulary import Category, Direction, GiveFirstKind, InteractionKind, Outcome, Tie, Warmth


class NewContact(TypedDict):
    """A new contact; what it leaves out is as in ``NEW_CONTACT_DEFAULTS``."""

    name: str
    category: NotRequired[Category]
    tie: NotRequired[Tie]
    warmth: NotRequired[Warmth]
    emails: NotRequired[tuple[str, ...]]
    phones: NotRequired[tuple[str, ...]]
    linkedin_url: NotRequired[str | None]
    company: NotRequired[str | None]
    role: NotRequired[str | None]
    tags: NotRequired[tuple[str, ...]]
    how_met: NotRequired[str | None]
    ask: NotRequired[str | None]
    why_them: NotRequired[str | None]
    notes: NotRequired[str | None]
    cadence_override_days: NotRequired[int | None]


NEW_CONTACT_DEFAULTS = {"category": Category.OTHER, "tie": Tie.WEAK, "warmth": Warmth.WARM}
"""Someone added without saying more is a warm, weak tie of no particular category."""


class ContactChanges(TypedDict, total=False):
    name: str | None
    category: Category | None
    tie: Tie | None
    warmth: Warmth | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    linkedin_url: str | None
    company: str | None
    role: str | None
    tags: tuple[str, ...]
    how_met: str | None
    ask: str | None
    why_them: str | None
    notes: str | None
    cadence_override_days: int | None


class NewInteraction(TypedDict):
    kind: InteractionKind
    direction: NotRequired[Direction]
    occurred_at: NotRequired[datetime | None]
    """None: now."""
    give_first_kind: NotRequired[GiveFirstKind | None]
    outcome: NotRequired[Outcome | None]
    notes: NotRequired[str | None]
    takeaway: NotRequired[str | None]


NEW_INTERACTION_DEFAULTS = {"direction": Direction.OUTBOUND}
"""An interaction logged without a direction is one the owner started."""


class InteractionChanges(TypedDict, total=False):
    kind: InteractionKind | None
    direction: Direction | None
    occurred_at: datetime | None
    give_first_kind: GiveFirstKind | None
    outcome: Outcome | None
    notes: str | None
    takeaway: str | None


class NewFollowUp(TypedDict):
    title: str
    due_at: datetime
    proposed_times: NotRequired[tuple[datetime, ...]]
    interaction_id: NotRequired[str | None]
