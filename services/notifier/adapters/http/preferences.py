"""Preference routes: the owner's settings, their channels, and the delivery log."""

from collections.abc import Callable
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field, StrictBool

from services.notifier import delivery, preferences
from services.notifier.delivery import Attempt, Sender, StoredNudge
from services.notifier.domain.nudges import LIMITS, Channel, Preferences, PreferencesChange
from services.notifier.domain.prompts import Medium, Size, Style
from services.notifier.domain.quiet_hours import QuietHours
from services.notifier.prompts import PromptWorkFactory
from shared.bounds import LocalTime
from shared.cadence import DEFAULT_CADENCE_DAYS as DEFAULT_CADENCE
from shared.vocabulary import Tie


class QuietHoursIO(BaseModel):
    start: LocalTime = Field(description="Local time nudges stop; after `end` when it spans midnight.")
    end: LocalTime = Field(description="Local time nudges may go again.")


class DigestIO(BaseModel):
    enabled: StrictBool = Field(
        description="Bundle prompts, follow-ups, habit reminders and milestones daily."
    )
    time: LocalTime = Field(description="Local time of the digest.")


class CadenceIO(BaseModel):
    strong: int = Field(ge=LIMITS["cadence"][0], le=LIMITS["cadence"][1])
    weak: int = Field(ge=LIMITS["cadence"][0], le=LIMITS["cadence"][1])
    dormant: int = Field(ge=LIMITS["cadence"][0], le=LIMITS["cadence"][1])


class ChannelOut(BaseModel):
    id: str
    name: str
    kind: str = Field(description="The URL scheme: mailto, ntfy, slack, discord, tgram …")
    url: str = Field(description="The URL with its secrets masked.")
    paused: bool
    failures: int = Field(description="Failed attempts in a row (paused at five).")
    created_at: datetime


def channel_out(channel: Channel) -> ChannelOut:
    return ChannelOut(
        id=channel.id,
        name=channel.name,
        kind=channel.kind,
        url=channel.shown,
        paused=channel.paused_at is not None,
        failures=channel.failures,
        created_at=channel.created_at,
    )


class StyleIO(BaseModel):
    medium: Medium = Field(description="online or in_person: where you like to meet people.")
    size: Size = Field(description="one_to_one or groups: with how many at once.")


class PreferencesOut(BaseModel):
    timezone: str = Field(description="The owner's zone: the default of every habit, feed and message.")
    day_start: time = Field(
        description="When the owner's day starts; earlier moments count for the day before."
    )
    quiet_hours: QuietHoursIO
    daily_limit: int
    digest: DigestIO
    cadence: CadenceIO = Field(description="Days between touches per tie (a contact's own cadence wins).")
    networking_style: StyleIO | None = Field(
        description="How you like to network: suggestions say how to do it your way, and now and then "
        "propose one step outside it. null: not said."
    )
    channels: list[ChannelOut]


class PreferencesIn(BaseModel):
    """Fields left out keep their value."""

    timezone: str | None = Field(
        default=None,
        max_length=64,
        description="IANA zone, e.g. Europe/Berlin: set once here, the default of habits, feeds, messages.",
    )
    day_start: LocalTime | None = Field(
        default=None,
        description="When the day starts, 00:00 to 06:00 (a meetup ending after midnight counts for the "
        "evening it began).",
    )
    quiet_hours: QuietHoursIO | None = None
    daily_limit: int | None = Field(default=None, ge=LIMITS["daily_limit"][0], le=LIMITS["daily_limit"][1])
    digest: DigestIO | None = None
    cadence: CadenceIO | None = None
    networking_style: StyleIO | None = None


def preferences_out(chosen: Preferences, channels: list[Channel]) -> PreferencesOut:
    cadence = {**DEFAULT_CADENCE, **chosen.cadence}
    return PreferencesOut(
        timezone=chosen.timezone,
        day_start=chosen.day_start,
        quiet_hours=QuietHoursIO(start=chosen.quiet.start, end=chosen.quiet.end),
        daily_limit=chosen.daily_limit,
        digest=DigestIO(enabled=chosen.digest, time=chosen.digest_time),
        cadence=CadenceIO(strong=cadence[Tie.STRONG], weak=cadence[Tie.WEAK], dormant=cadence[Tie.DORMANT]),
        networking_style=StyleIO(medium=chosen.style.medium, size=chosen.style.size)
        if chosen.style
        else None,
        channels=[channel_out(channel) for channel in channels],
    )


def change_of(body: PreferencesIn) -> PreferencesChange:
    cadence = body.cadence
    return PreferencesChange(
        timezone=body.timezone,
        day_start=body.day_start,
        quiet=QuietHours(body.quiet_hours.start, body.quiet_hours.end) if body.quiet_hours else None,
        daily_limit=body.daily_limit,
        digest=body.digest.enabled if body.digest else None,
        digest_time=body.digest.time if body.digest else None,
        cadence={Tie.STRONG: cadence.strong, Tie.WEAK: cadence.weak, Tie.DORMANT: cadence.dormant}
        if cadence
        else None,
        style=Style(body.networking_style.medium, body.networking_style.size)
        if body.networking_style
        else None,
    )


class ChannelIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="e.g. 'Phone' or 'Work email'.")
    url: str = Field(
        min_length=3,
        max_length=2000,
        description="An Apprise URL: mailto://user:password@smtp.example.org?to=me@example.org, "
        "ntfy://ntfy.sh/my-topic, slack://…, discord://…, tgram://…",
    )


class TestOut(BaseModel):
    delivered: bool
    error: str | None = Field(description="What the service answered when it was not delivered.")


class AttemptOut(BaseModel):
    at: datetime
    channel_id: str
    attempt: int
    delivered: bool
    error: str | None
    nudge_kind: str | None = Field(description="None for a test message.")
    nudge_title: str | None
    nudge_status: str | None


def attempt_out(attempt: Attempt, stored: StoredNudge | None) -> AttemptOut:
    return AttemptOut(
        at=attempt.at,
        channel_id=attempt.channel_id,
        attempt=attempt.number,
        delivered=attempt.error is None,
        error=attempt.error,
        nudge_kind=stored.nudge.kind.value if stored else None,
        nudge_title=stored.nudge.title if stored else None,
        nudge_status=stored.status.value if stored else None,
    )


def preferences_router(
    *,
    uow: PromptWorkFactory,
    sender: Sender,
    owner: Any,
    clock: Callable[[], datetime],
) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["nudges"])
    Owner = Annotated[str, owner]

    @router.get("/preferences", summary="How the owner is nudged, and where")
    async def get_preferences(owner_id: Owner) -> PreferencesOut:
        return preferences_out(*await preferences.preferences_of(uow=uow, owner_id=owner_id))

    @router.patch("/preferences", summary="Change some preferences")
    async def change_preferences(body: PreferencesIn, owner_id: Owner) -> PreferencesOut:
        now = await preferences.change_preferences(
            uow=uow, owner_id=owner_id, change=change_of(body), now=clock()
        )
        return preferences_out(*now)

    router.include_router(channels_router(uow=uow, sender=sender, owner=owner, clock=clock))
    router.include_router(deliveries_router(uow=uow, owner=owner))
    return router


def channels_router(
    *, uow: PromptWorkFactory, sender: Sender, owner: Any, clock: Callable[[], datetime]
) -> APIRouter:
    """Add, remove, resume and test the owner's channels."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.post("/preferences/channels", status_code=201, summary="Add a channel (an Apprise URL)")
    async def add_channel(body: ChannelIn, owner_id: Owner) -> ChannelOut:
        channel = await preferences.add_channel(
            uow=uow, sender=sender, owner_id=owner_id, name=body.name, url=body.url, now=clock()
        )
        return channel_out(channel)

    @router.delete("/preferences/channels/{channel_id}", status_code=204, summary="Remove a channel")
    async def remove_channel(channel_id: str, owner_id: Owner) -> Response:
        await preferences.remove_channel(uow=uow, owner_id=owner_id, channel_id=channel_id)
        return Response(status_code=204)

    @router.post("/preferences/channels/{channel_id}/resume", summary="Use a paused channel again")
    async def resume_channel(channel_id: str, owner_id: Owner) -> ChannelOut:
        resumed = await preferences.resume_channel(
            uow=uow, owner_id=owner_id, channel_id=channel_id, now=clock()
        )
        return channel_out(resumed)

    @router.post("/preferences/channels/{channel_id}/test", summary="Send a test message now")
    async def test_channel(channel_id: str, owner_id: Owner) -> TestOut:
        error = await preferences.test_channel(
            uow=uow, sender=sender, owner_id=owner_id, channel_id=channel_id, now=clock()
        )
        return TestOut(delivered=error is None, error=error)

    return router


def deliveries_router(*, uow: PromptWorkFactory, owner: Any) -> APIRouter:
    """The delivery log."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.get("/deliveries", summary="The newest delivery attempts, newest first")
    async def deliveries(
        owner_id: Owner, limit: Annotated[int, Query(ge=1, le=500)] = 100
    ) -> list[AttemptOut]:
        found = await delivery.attempts_of(uow=uow, owner_id=owner_id, limit=limit)
        return [attempt_out(attempt, stored) for attempt, stored in found]

    return router
