"""Calendar feeds: what a feed shows, and the secret in its URL.

A feed URL is a bearer secret (calendar apps cannot send headers): ``kwcal_`` and 43 URL-safe
characters from 32 random bytes (256 bits). Only its SHA-256 is stored; the URL is shown once,
when the feed is created or its token rotated. The hint (prefix and last four characters) lets
an owner tell feeds apart without the secret.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from shared.errors import DomainError
from shared.schedules import zone

TOKEN_PREFIX = "kwcal_"
TOKEN_BYTES = 32
MAX_NAME = 100
RENDERER = 1
"""Raise when the rendered text of an unchanged feed changes, so clients fetch it again."""


class Include(StrEnum):
    FOLLOW_UPS = "follow_ups"
    HABITS = "habits"


@dataclass(frozen=True)
class Feed:
    id: str
    owner_id: str
    name: str
    include: frozenset[Include]
    timezone: str | None
    """The zone of times written in descriptions; None: the owner's (their preferences)."""
    reminder_time: time
    token_hint: str
    version: int
    created_at: datetime
    updated_at: datetime
    revoked_at: datetime | None = None


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_hint(token: str) -> str:
    return f"{TOKEN_PREFIX}…{token[-4:]}"


def same_hash(stored: str, token: str) -> bool:
    """Compare in constant time (the lookup itself is by hash, so it reveals nothing of the token)."""
    return hmac.compare_digest(stored, token_hash(token))


def plausible_token(token: str) -> bool:
    """Cheap shape check before any lookup."""
    return token.startswith(TOKEN_PREFIX) and 40 <= len(token) <= 80


def checked_settings(name: str, include: frozenset[Include], timezone: str | None) -> str:
    """Validate a feed's settings; returns the name without surrounding spaces."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise DomainError(f"a feed name has 1 to {MAX_NAME} characters", field="name")
    if not include:
        raise DomainError("a feed includes follow-ups, habits or both", field="include")
    if timezone is not None:
        zone(timezone)
    return name


def entity_tag(feed: Feed, revision: int) -> str:
    """Strong ETag of a feed's body: it changes when the feed's settings or anything the owner's
    feeds show changes (``revision``), and with the renderer's own version."""
    digest = hashlib.sha256(f"{RENDERER}:{feed.id}:{feed.version}:{revision}".encode()).hexdigest()
    return f'"{digest[:32]}"'
