"""Action links: a nudge's "snooze a week" or "done", as a link that does exactly one thing.

A link names its service, its action, the owner and the item, and expires; it is signed with
HMAC-SHA256 so nothing else can be made of it. It is the credential (no sign-in needed to use it),
so it travels in the fragment of a page address (never sent to a server, never in an access log)
and reaches the service in a POST body. Using a link twice is safe: a done follow-up stays done,
and a snooze link used again snoozes for a week from then.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from shared.auth import AuthSettings, local_secret

LIFETIME = timedelta(days=14)
MAX_TOKEN_CHARS = 1000


@dataclass(frozen=True)
class ActionLink:
    service: str
    action: str
    owner_id: str
    target_id: str
    expires_at: datetime


class InvalidLink(ValueError):
    pass


class ExpiredLink(InvalidLink):
    pass


def link_key(settings: AuthSettings, *, environment: str) -> bytes | None:
    """The signing key: ``KEEPWARM_AUTH_LINK_SECRET``; outside production, derived from the local
    secret when unset. ``None`` (production without a link secret) means nudges carry no links."""
    if settings.link_secret is not None:
        return settings.link_secret.get_secret_value().encode()
    if environment == "production":
        return None
    return hashlib.sha256(b"keepwarm action links\0" + local_secret(settings).encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(link: ActionLink, key: bytes) -> str:
    payload = {
        "s": link.service,
        "a": link.action,
        "o": link.owner_id,
        "t": link.target_id,
        "x": int(link.expires_at.timestamp()),
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def verify(token: str, key: bytes, *, now: datetime) -> ActionLink:
    """The link, or InvalidLink when it was not signed with ``key``, is malformed or expired."""
    body, _, signature = token.partition(".")
    expected = hmac.new(key, body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(signature.encode(), _b64(expected).encode()):
            raise InvalidLink("this link is not valid")
        payload = json.loads(_unb64(body))
        link = ActionLink(
            service=str(payload["s"]),
            action=str(payload["a"]),
            owner_id=str(payload["o"]),
            target_id=str(payload["t"]),
            expires_at=datetime.fromtimestamp(int(payload["x"]), UTC),
        )
    except (binascii.Error, ValueError, KeyError, TypeError) as error:
        raise InvalidLink("this link is not valid") from error
    if link.expires_at <= now:
        raise ExpiredLink("this link has expired: open KeepWarm to do it there")
    return link


class LinkIn(BaseModel):
    token: str = Field(min_length=1, max_length=MAX_TOKEN_CHARS, description="The link's signed token.")


class LinkOut(BaseModel):
    action: str
    message: str = Field(description="What was done, in words for the student.")


Act = Callable[[ActionLink, datetime], Awaitable[str]]
"""Does the link's action for its owner and answers what was done."""


def links_router(
    *, service: str, key: bytes | None, actions: Mapping[str, Act], clock: Callable[[], datetime]
) -> APIRouter:
    """``POST /v1/links``: do what a signed action link of this service says (no sign-in: the link
    is the credential). 404 for a link that is not valid here, 410 for an expired one."""
    router = APIRouter(prefix="/v1", tags=["action links"])

    @router.post(
        "/links",
        summary="Do what a nudge's action link says",
        responses={404: {"description": "Not a valid link"}, 410: {"description": "The link expired"}},
    )
    async def act(body: LinkIn) -> LinkOut:
        if key is None:
            raise HTTPException(404, "action links are off: no KEEPWARM_AUTH_LINK_SECRET")
        now = clock()
        try:
            link = verify(body.token, key, now=now)
        except InvalidLink as error:
            raise HTTPException(410 if isinstance(error, ExpiredLink) else 404, str(error)) from error
        if link.service != service or link.action not in actions:
            raise HTTPException(404, "this link is for another service")
        return LinkOut(action=link.action, message=await actions[link.action](link, now))

    return router
