"""Nudges: the messages the notifier sends an owner, and when and how often it may send them.

**What.** A keep-alive prompt, a follow-up due today, a habit still to do late on the last day of
its period, a streak milestone, a daily digest bundling the first four, and a notice that a
channel was paused. Each nudge has a ``key`` that names what it is about (the contact and the
moment it became due, the follow-up and its due time …): one nudge per key, ever, so a
redelivered event or a second notifier instance never makes a second one.

**When.** Never inside the owner's quiet hours (in the owner's zone) and at most
``daily_limit`` per local day; a nudge that would break either waits for the next moment that
breaks neither. Channel notices do not count towards the limit. With the digest on, prompts,
follow-ups, habit reminders and milestones wait for the digest instead of going out one by one.

Reminders about a day (a follow-up due today, a habit still to do today) expire with that day.

**Retries.** A failed delivery is tried again after 1, 4, 16, 64 … times the base delay (capped at
six hours), up to ``MAX_ATTEMPTS`` attempts; a channel that failed ``PAUSE_AFTER`` times in a row
is paused and the owner is told through their other channels.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.notifier.domain.prompts import Style, Suggestion
from services.notifier.domain.quiet_hours import QuietHours, next_allowed
from shared.cadence import DEFAULT_CADENCE_DAYS
from shared.errors import DomainError
from shared.schedules import LATEST_DAY_START, zone
from shared.vocabulary import Tie

MAX_ATTEMPTS = 5
PAUSE_AFTER = 5
LONGEST_BACKOFF = timedelta(hours=6)


class NudgeKind(StrEnum):
    PROMPT = "prompt"
    FOLLOW_UP = "follow_up"
    HABIT_AT_RISK = "habit_at_risk"
    MILESTONE = "milestone"
    GOAL = "goal"
    DIGEST = "digest"
    CHANNEL_PAUSED = "channel_paused"


DIGESTIBLE = frozenset(
    {NudgeKind.PROMPT, NudgeKind.FOLLOW_UP, NudgeKind.HABIT_AT_RISK, NudgeKind.MILESTONE, NudgeKind.GOAL}
)
UNCOUNTED = frozenset({NudgeKind.CHANNEL_PAUSED})


@dataclass(frozen=True)
class Nudge:
    key: str
    owner_id: str
    kind: NudgeKind
    subject_id: str
    title: str
    body: str
    expires_at: datetime | None = None
    """A nudge that cannot go out before this moment (quiet hours, the daily limit) is dropped."""


@dataclass(frozen=True)
class Preferences:
    """How an owner wants to be nudged."""

    timezone: str = "UTC"
    """The owner's zone: set here once, the default of every habit, feed and message."""
    day_start: time = time(0)
    """When the owner's day starts (up to 06:00): a meetup ending at 00:30 counts for the evening."""
    quiet: QuietHours = field(default_factory=QuietHours)
    daily_limit: int = 3
    digest: bool = False
    digest_time: time = time(8, 0)
    cadence: dict[Tie, int] = field(default_factory=dict)
    """The owner's cadence, in days, for a whole tie (replacing the default)."""
    style: Style | None = None
    """How the owner likes to network; None: not said."""


@dataclass(frozen=True)
class PreferencesChange:
    """A partial change of preferences: what is None keeps its value."""

    timezone: str | None = None
    day_start: time | None = None
    quiet: QuietHours | None = None
    daily_limit: int | None = None
    digest: bool | None = None
    digest_time: time | None = None
    cadence: dict[Tie, int] | None = None
    """Days per tie, for every tie: the ones equal to the default stop replacing it."""
    style: Style | None = None

    def applied_to(self, before: Preferences) -> Preferences:
        cadence = before.cadence
        if self.cadence is not None:
            cadence = {tie: days for tie, days in self.cadence.items() if days != DEFAULT_CADENCE_DAYS[tie]}
        return Preferences(
            timezone=self.timezone or before.timezone,
            day_start=self.day_start if self.day_start is not None else before.day_start,
            quiet=self.quiet or before.quiet,
            daily_limit=self.daily_limit or before.daily_limit,
            digest=self.digest if self.digest is not None else before.digest,
            digest_time=self.digest_time or before.digest_time,
            cadence=cadence,
            style=self.style or before.style,
        )


LIMITS = {"daily_limit": (1, 50), "cadence": (1, 730)}


def checked(preferences: Preferences) -> Preferences:
    """The preferences, or DomainError (InvalidSchedule for the zone) naming the field at fault."""
    zone(preferences.timezone)
    if preferences.day_start > LATEST_DAY_START:
        raise DomainError("the day starts at 06:00 at the latest", field="day_start")
    low, high = LIMITS["daily_limit"]
    if not low <= preferences.daily_limit <= high:
        raise DomainError(f"between {low} and {high} nudges a day", field="daily_limit")
    low, high = LIMITS["cadence"]
    for tie, days in preferences.cadence.items():
        if not low <= days <= high:
            raise DomainError(f"a cadence is {low} to {high} days", field=f"cadence.{tie}")
    if preferences.digest and preferences.quiet.contains(preferences.digest_time):
        raise DomainError("the digest time falls in the quiet hours", field="digest_time")
    return preferences


def send_at(now: datetime, preferences: Preferences, *, kind: NudgeKind, sent_today: int) -> datetime:
    """The first moment from ``now`` at which a nudge of ``kind`` may go out."""
    allowed = next_allowed(now, preferences.timezone, preferences.quiet)
    if kind in UNCOUNTED or allowed > now or sent_today < preferences.daily_limit:
        return allowed
    tomorrow = local_day_start(now, preferences.timezone, days=1)
    return next_allowed(tomorrow, preferences.timezone, preferences.quiet)


def local_day_start(moment: datetime, timezone: str, *, days: int = 0) -> datetime:
    """The first instant of the local day of ``moment`` (plus ``days``) in ``timezone``."""
    tz = ZoneInfo(timezone)
    day = moment.astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(day, time(0), tz).astimezone(ZoneInfo("UTC"))


def next_digest(after: datetime, preferences: Preferences) -> datetime:
    """The next digest moment strictly after ``after``: the digest time of a local day."""
    tz = ZoneInfo(preferences.timezone)
    day = after.astimezone(tz).date()
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), preferences.digest_time, tz)
        moment = next_allowed(candidate.astimezone(ZoneInfo("UTC")), preferences.timezone, preferences.quiet)
        if moment > after:
            return moment
    raise AssertionError("a digest time exists within three days")


def backoff(attempt: int, *, base: timedelta) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1, 2, …)."""
    wait: timedelta = base * 4 ** (attempt - 1)
    return min(wait, LONGEST_BACKOFF)


# --- messages ---------------------------------------------------------------------------------


def prompt_nudge(
    *, owner_id: str, contact_id: str, name: str, suggestion: Suggestion, moment: datetime
) -> Nudge:
    return Nudge(
        key=f"prompt:{contact_id}:{moment.isoformat()}",
        owner_id=owner_id,
        kind=NudgeKind.PROMPT,
        subject_id=contact_id,
        title=f"Keep in touch with {name}",
        body=suggestion.text,
    )


def follow_up_nudge(
    *,
    owner_id: str,
    follow_up_id: str,
    name: str,
    title: str,
    due_at: datetime,
    timezone: str,
    takeaway: str | None = None,
) -> Nudge:
    local = due_at.astimezone(ZoneInfo(timezone))
    end_of_day = local_day_start(due_at, timezone, days=1)
    lines = [f"{title} (due {local:%H:%M}, {timezone})."]
    if takeaway:
        lines.append(f"Your takeaway: {takeaway}")
    return Nudge(
        key=f"follow_up:{follow_up_id}:{due_at.isoformat()}",
        owner_id=owner_id,
        kind=NudgeKind.FOLLOW_UP,
        subject_id=follow_up_id,
        title=f"Follow up with {name} today",
        body="\n".join(lines),
        expires_at=end_of_day,
    )


def at_risk_nudge(
    *, owner_id: str, habit_id: str, name: str, left: int, streak: int, period_end: date, expires_at: datetime
) -> Nudge:
    times = "once more" if left == 1 else f"{left} more times"
    keep = f" to keep your streak of {streak}" if streak else ""
    return Nudge(
        key=f"habit_at_risk:{habit_id}:{period_end.isoformat()}",
        owner_id=owner_id,
        kind=NudgeKind.HABIT_AT_RISK,
        subject_id=habit_id,
        title=f"Still to do today: {name}",
        body=f"Today is the last day to do it {times}{keep}.",
        expires_at=expires_at,
    )


def milestone_nudge(*, owner_id: str, habit_id: str, name: str, milestone: int, period_end: date) -> Nudge:
    return Nudge(
        key=f"milestone:{habit_id}:{milestone}:{period_end.isoformat()}",
        owner_id=owner_id,
        kind=NudgeKind.MILESTONE,
        subject_id=habit_id,
        title=f"{milestone} in a row: {name}",
        body=f"You kept {name} going {milestone} times in a row. Well done!",
    )


def goal_nudge(*, owner_id: str, goal_id: str, title: str) -> Nudge:
    """Celebrate a networking goal reached (once per goal)."""
    return Nudge(
        key=f"goal:{goal_id}",
        owner_id=owner_id,
        kind=NudgeKind.GOAL,
        subject_id=goal_id,
        title=f"Goal reached: {title}",
        body=f"You set yourself a goal and got there: {title}. Time for the next one?",
    )


def channel_paused_nudge(*, owner_id: str, channel_id: str, name: str, failures: int, at: datetime) -> Nudge:
    return Nudge(
        key=f"channel_paused:{channel_id}:{at.isoformat()}",
        owner_id=owner_id,
        kind=NudgeKind.CHANNEL_PAUSED,
        subject_id=channel_id,
        title=f"Channel paused: {name}",
        body=(
            f"Sending through {name} failed {failures} times in a row, so it is paused. "
            "Check its settings, then resume it in your preferences."
        ),
    )


def digest(*, owner_id: str, day: date, items: Sequence[Nudge]) -> Nudge:
    """One message bundling ``items``, grouped by kind."""
    sections = (
        (NudgeKind.FOLLOW_UP, "Follow-ups due"),
        (NudgeKind.PROMPT, "Keep in touch"),
        (NudgeKind.HABIT_AT_RISK, "Habits"),
        (NudgeKind.MILESTONE, "Milestones"),
    )
    lines: list[str] = []
    for kind, heading in sections:
        chosen = [item for item in items if item.kind is kind]
        if chosen:
            lines.append(f"{heading}:")
            lines += [f"- {item.title}: {' '.join(item.body.splitlines())}" for item in chosen]
    return Nudge(
        key=f"digest:{owner_id}:{day.isoformat()}",
        owner_id=owner_id,
        kind=NudgeKind.DIGEST,
        subject_id=owner_id,
        title=f"Your network today: {len(items)} {'thing' if len(items) == 1 else 'things'} to do",
        body="\n".join(lines),
    )


@dataclass(frozen=True)
class NudgeAction:
    """A link a nudge carries: to a place on the student's page (``page``), or a signed action
    link that does one thing at once (``service`` and ``action`` on the nudge's subject)."""

    label: str
    page: str = ""
    service: str = ""
    action: str = ""
    target_id: str = ""


def actions_of(nudge: Nudge) -> list[NudgeAction]:
    """The obvious next things a nudge offers, so the student never hunts for its item."""
    subject = nudge.subject_id
    match nudge.kind:
        case NudgeKind.PROMPT:
            return [
                NudgeAction("Log it", page=f"#/contacts/{subject}/log"),
                NudgeAction("Snooze a week", service="notifier", action="snooze_prompt", target_id=subject),
            ]
        case NudgeKind.FOLLOW_UP:
            return [
                NudgeAction("Done", service="contacts", action="complete_follow_up", target_id=subject),
                NudgeAction("Open Today", page="#/today"),
            ]
        case NudgeKind.HABIT_AT_RISK:
            return [NudgeAction("Check in", page="#/habits")]
        case NudgeKind.CHANNEL_PAUSED:
            return [NudgeAction("Open settings", page="#/settings")]
        case _:
            return [NudgeAction("Open KeepWarm", page="#/today")]


class NudgeStatus(StrEnum):
    QUEUED = "queued"
    """Waiting for the owner's digest."""
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    """What it was about was resolved first (the contact was met, the follow-up done …)."""
    BUNDLED = "bundled"
    """Went out inside a digest."""
    NO_CHANNEL = "no_channel"
    """Made while the owner had no working channel; it goes out when one is added or resumed."""


@dataclass(frozen=True)
class Channel:
    """Somewhere an owner receives nudges: an Apprise URL (``mailto://``, ``ntfy://`` …)."""

    id: str
    owner_id: str
    name: str
    kind: str
    """The URL's scheme."""
    shown: str
    """The URL with its secrets masked."""
    url: str
    created_at: datetime
    failures: int = 0
    """Failed attempts in a row."""
    paused_at: datetime | None = None

    def after_attempt(self, *, ok: bool, now: datetime) -> "Channel":
        """The channel after an attempt through it: paused when it failed ``PAUSE_AFTER`` times
        in a row."""
        if ok:
            return replace(self, failures=0)
        failures = self.failures + 1
        paused = self.paused_at or (now if failures >= PAUSE_AFTER else None)
        return replace(self, failures=failures, paused_at=paused)
