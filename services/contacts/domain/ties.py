"""How ties cool down and warm up again.

Cadence: how often a contact should hear from the owner before they count as "going cold". Each
tie has a default, and a contact may override it:

- strong: every 21 days (people you talk to often)
- weak: every 60 days (acquaintances: the bridges to new circles)
- dormant: every 180 days (a revival is cheap and often valuable)

When a contact is due is ``shared.cadence.due_at``, the rule the notifier's prompts follow too.

Drift: a contact the owner has not been in touch with for long drifts toward dormant, one step
at a time, measured from the last interaction (or, if there was none, from when the contact was
added):

- strong becomes weak after 90 days of silence;
- weak becomes dormant after 180 days of silence (so strong reaches dormant after 180 days too).

Revival: an interaction that happened less than 180 days ago makes a dormant contact weak
again. Strong is never reached by drift or revival: only the owner says a tie is strong.
"""

from datetime import datetime, timedelta

from shared.cadence import DEFAULT_CADENCE_DAYS
from shared.vocabulary import Tie

SILENCE_BEFORE_WEAK = timedelta(days=90)
SILENCE_BEFORE_DORMANT = timedelta(days=180)


def cadence_days(tie: Tie, override: int | None) -> int:
    return override if override is not None else DEFAULT_CADENCE_DAYS[tie]


def drifted_tie(tie: Tie, *, last_touch: datetime, now: datetime) -> Tie:
    """The tie after ``now - last_touch`` of silence (never warmer than ``tie``)."""
    silence = now - last_touch
    if silence >= SILENCE_BEFORE_DORMANT:
        return Tie.DORMANT
    if silence >= SILENCE_BEFORE_WEAK and tie is Tie.STRONG:
        return Tie.WEAK
    return tie


def revived_tie(tie: Tie, *, interaction_at: datetime, now: datetime) -> Tie:
    """The tie after an interaction at ``interaction_at``: a recent one revives a dormant tie."""
    if tie is Tie.DORMANT and now - interaction_at < SILENCE_BEFORE_DORMANT:
        return Tie.WEAK
    return tie


def next_drift_at(tie: Tie, *, last_touch: datetime) -> datetime | None:
    """When the tie will next drift if nothing happens (None for dormant: it drifts no further)."""
    if tie is Tie.STRONG:
        return last_touch + SILENCE_BEFORE_WEAK
    if tie is Tie.WEAK:
        return last_touch + SILENCE_BEFORE_DORMANT
    return None
