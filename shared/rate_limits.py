"""Rate limits: writes, imports, test sends, feed fetches and action links, per owner (or per
feed) and per client address, answered ``429`` with ``Retry-After`` before any work is done.

Counting is the ``limits`` library's moving window, in memory by default and shared across
instances through Redis (``KEEPWARM_RATE_STORAGE_URI=redis://…``). The owner is the bearer token's
``sub`` read without checking it: a forged token gets its 401 after this, and every request also
counts against its client address, so inventing owners does not escape the limit.
"""

import math
import re
import time
from dataclasses import dataclass

import jwt
from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.asgi import json_answer


class RateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEEPWARM_RATE_", extra="ignore")

    storage_uri: str = Field(default="memory://", description="memory:// or redis://host:port (shared).")
    writes: str = Field(default="120/minute", description="POST, PATCH and DELETE per owner.")
    imports: str = Field(default="20/hour", description="File imports per owner.")
    test_sends: str = Field(default="10/hour", description="Channel test sends per owner.")
    feeds: str = Field(default="60/hour", description="Fetches of one calendar feed.")
    links: str = Field(default="30/minute", description="Uses of action links per client address.")
    per_client: str = Field(
        default="6000/minute",
        description="Every request per client address (behind a proxy, set FORWARDED_ALLOW_IPS to it).",
    )


@dataclass(frozen=True)
class Rule:
    name: str
    limit: RateLimitItem
    key: str


FEED = re.compile(r"^/calendars/([^/]+)\.ics$")
WRITES = {"POST", "PATCH", "PUT", "DELETE"}


class RateLimits:
    def __init__(self, app: ASGIApp, *, settings: RateSettings) -> None:
        self.app = app
        uri = settings.storage_uri
        self.limiter = MovingWindowRateLimiter(
            storage_from_string(uri if uri.startswith("async+") else f"async+{uri}")
        )
        self.settings = settings
        self.limits = {
            name: parse(getattr(settings, name))
            for name in ("writes", "imports", "test_sends", "feeds", "links", "per_client")
        }

    def rules(self, scope: Scope) -> list[Rule]:
        method, path = scope["method"], scope["path"]
        client = (scope.get("client") or ("unknown", 0))[0]
        found = [Rule("per_client", self.limits["per_client"], client)]
        if feed := FEED.match(path):
            found.append(Rule("feeds", self.limits["feeds"], feed.group(1)))
        if method not in WRITES or not path.startswith("/v1/"):
            return found
        if path == "/v1/links":
            return [*found, Rule("links", self.limits["links"], client)]
        owner = _owner_of(scope)
        if owner is None:
            return found
        found.append(Rule("writes", self.limits["writes"], owner))
        if path.startswith("/v1/imports/"):
            found.append(Rule("imports", self.limits["imports"], owner))
        if path.startswith("/v1/preferences/channels/") and path.endswith("/test"):
            found.append(Rule("test_sends", self.limits["test_sends"], owner))
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        for rule in self.rules(scope):
            if not await self.limiter.hit(rule.limit, rule.name, rule.key):
                stats = await self.limiter.get_window_stats(rule.limit, rule.name, rule.key)
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                detail = (
                    f"too many requests ({rule.name.replace('_', ' ')}: {rule.limit}); try again in {wait} s"
                )
                await json_answer(
                    send, 429, {"detail": detail}, headers=[(b"retry-after", str(wait).encode())]
                )
                return
        await self.app(scope, receive, send)


def _owner_of(scope: Scope) -> str | None:
    header = dict(scope["headers"]).get(b"authorization", b"")
    scheme, _, token = header.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:  # only to count by; the route checks the token
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    sub = claims.get("sub")
    return sub if isinstance(sub, str) and sub else None
