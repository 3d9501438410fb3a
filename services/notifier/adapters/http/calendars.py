"""Calendar routes: feeds (create, list, rotate, revoke), the feed URL itself (no login: the
token is the credential), and single follow-ups as .ics downloads."""

from collections.abc import Callable
from datetime import datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from services.notifier import calendars
from services.notifier.calendars import CalendarWorkFactory, FeedVersion, IssuedFeed
from services.notifier.domain.feeds import MAX_NAME, Feed, Include
from shared import metrics
from shared.bounds import LocalTime


class FeedIn(BaseModel):
    name: str = Field(default="KeepWarm", max_length=MAX_NAME, description="Shown by the calendar app.")
    include: list[Include] = Field(
        default=[Include.FOLLOW_UPS, Include.HABITS], description="What the feed shows."
    )
    timezone: str | None = Field(
        default=None, description="IANA zone for times written in descriptions; default: the owner's."
    )
    reminder_time: LocalTime = Field(default=time(18, 0), description="Local time of day of habit reminders.")


class FeedOut(BaseModel):
    id: str
    name: str
    include: list[Include]
    timezone: str | None = Field(description="None: the owner's zone, as set in their preferences.")
    reminder_time: time
    token_hint: str = Field(description="Prefix and last characters of the secret, to tell feeds apart.")
    created_at: datetime
    updated_at: datetime


class IssuedFeedOut(FeedOut):
    url: str = Field(description="The secret feed URL. Shown only now: store it in the calendar app.")
    webcal_url: str = Field(description="The same, as webcal:// for one-click subscription.")


def feed_out(feed: Feed) -> FeedOut:
    return FeedOut(
        id=feed.id,
        name=feed.name,
        include=sorted(feed.include),
        timezone=feed.timezone,
        reminder_time=feed.reminder_time,
        token_hint=feed.token_hint,
        created_at=feed.created_at,
        updated_at=feed.updated_at,
    )


CALENDAR = "text/calendar; charset=utf-8"
PRIVATE = {
    "Cache-Control": "private, no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def feeds_router(
    *, uow: CalendarWorkFactory, owner: Any, clock: Callable[[], datetime], public_url: str
) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["calendar feeds"])
    Owner = Annotated[str, owner]

    def issued(found: IssuedFeed) -> IssuedFeedOut:
        url = f"{public_url.rstrip('/')}/calendars/{found.token}.ics"
        webcal = "webcal://" + url.split("://", 1)[1]
        return IssuedFeedOut(**feed_out(found.feed).model_dump(), url=url, webcal_url=webcal)

    @router.post("/calendar-feeds", status_code=201, summary="Create a feed; its URL is shown once")
    async def create_feed(body: FeedIn, owner_id: Owner, response: Response) -> IssuedFeedOut:
        found = await calendars.create_feed(
            uow=uow,
            owner_id=owner_id,
            name=body.name,
            include=frozenset(body.include),
            timezone=body.timezone,
            reminder_time=body.reminder_time,
            now=clock(),
        )
        response.headers.update({"Cache-Control": "no-store"})
        return issued(found)

    @router.get("/calendar-feeds", summary="The owner's live feeds (without their secrets)")
    async def list_feeds(owner_id: Owner) -> list[FeedOut]:
        return [feed_out(feed) for feed in await calendars.list_feeds(uow=uow, owner_id=owner_id)]

    @router.post("/calendar-feeds/{feed_id}/rotate", summary="A new secret URL; the old one stops working")
    async def rotate_feed(feed_id: str, owner_id: Owner, response: Response) -> IssuedFeedOut:
        found = await calendars.rotate_feed(uow=uow, owner_id=owner_id, feed_id=feed_id, now=clock())
        response.headers.update({"Cache-Control": "no-store"})
        return issued(found)

    @router.delete("/calendar-feeds/{feed_id}", status_code=204, summary="Revoke a feed")
    async def revoke_feed(feed_id: str, owner_id: Owner) -> Response:
        await calendars.revoke_feed(uow=uow, owner_id=owner_id, feed_id=feed_id, now=clock())
        return Response(status_code=204)

    @router.get(
        "/calendar-feeds/{feed_id}/calendar.ics",
        summary="The feed as it is now, as a file (what its subscription shows; for an archive)",
        response_class=Response,
        responses={200: {"content": {"text/calendar": {}}}},
    )
    async def download_feed(feed_id: str, owner_id: Owner) -> Response:
        body = await calendars.feed_download(uow=uow, owner_id=owner_id, feed_id=feed_id)
        return Response(
            body,
            media_type=CALENDAR,
            headers={**PRIVATE, "Content-Disposition": f'attachment; filename="feed-{feed_id}.ics"'},
        )

    router.include_router(download_router(uow=uow, owner=owner))
    return router


def download_router(*, uow: CalendarWorkFactory, owner: Any) -> APIRouter:
    """One open follow-up as a file to import."""
    router = APIRouter()
    Owner = Annotated[str, owner]

    @router.get(
        "/follow-ups/{follow_up_id}.ics",
        summary="One open follow-up as an .ics file",
        response_class=Response,
        responses={200: {"content": {"text/calendar": {}}}},
    )
    async def follow_up_ics(
        follow_up_id: str,
        owner_id: Owner,
        timezone: Annotated[
            str | None, Query(description="IANA zone for times in the description; default: the owner's")
        ] = None,
    ) -> Response:
        body = await calendars.follow_up_download(
            uow=uow, owner_id=owner_id, follow_up_id=follow_up_id, timezone=timezone
        )
        return Response(
            body,
            media_type=CALENDAR,
            headers={
                **PRIVATE,
                "Content-Disposition": f'attachment; filename="follow-up-{follow_up_id}.ics"',
            },
        )

    return router


def calendar_router(*, uow: CalendarWorkFactory) -> APIRouter:
    """The feed URL itself: no login (calendar apps send none); the token is the credential."""
    router = APIRouter(tags=["calendar feeds"])

    @router.head("/calendars/{token}.ics", include_in_schema=False)
    @router.get(
        "/calendars/{token}.ics",
        summary="A calendar feed (webcal subscription); HEAD answers the same headers",
        response_class=Response,
        responses={200: {"content": {"text/calendar": {}}}, 304: {"description": "Not modified"}},
    )
    async def calendar_feed(token: str, request: Request) -> Response:
        version = await calendars.feed_version(uow=uow, token=token)
        if not_modified(request, version):
            metrics.FEED_RENDERS.labels("not_modified").inc()
            return Response(status_code=304, headers=_feed_headers(version))
        metrics.FEED_RENDERS.labels("rendered").inc()
        version, body = await calendars.current_feed(uow=uow, token=token, version=version)
        headers = _feed_headers(version)
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(body.encode()))
            return Response(media_type=CALENDAR, headers=headers)
        return Response(body, media_type=CALENDAR, headers=headers)

    return router


def _feed_headers(version: FeedVersion) -> dict[str, str]:
    return {
        **PRIVATE,
        "ETag": version.etag,
        "Last-Modified": format_datetime(version.last_modified.replace(microsecond=0), usegmt=True),
    }


def not_modified(request: Request, version: FeedVersion) -> bool:
    """RFC 9110: If-None-Match decides when present (weak comparison); else If-Modified-Since."""
    if (tags := request.headers.get("if-none-match")) is not None:
        offered = {tag.strip().removeprefix("W/") for tag in tags.split(",")}
        return "*" in offered or version.etag in offered
    if (since := request.headers.get("if-modified-since")) is not None:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return moment.tzinfo is not None and version.last_modified.replace(microsecond=0) <= moment
    return False
