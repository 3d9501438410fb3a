"""Sending through Apprise: one URL scheme per service (``mailto://`` SMTP, ``ntfy://`` push,
Slack, Discord, Telegram …), each message to one channel at a time so every attempt has its own
outcome."""

import asyncio
import logging
import re

import apprise

from services.notifier.delivery import InvalidChannel

# Apprise writes "<date> - <LEVEL> - <message>" lines; keep the messages.
_LOG_LINE = re.compile(r"^\S+ \S+ - [A-Z]+ - ", re.MULTILINE)
SECRET_PATHS = {"ntfy", "ntfys"}
"""Schemes whose path is itself a secret: whoever knows an ntfy topic can read its messages."""


def _masked_topics(shown: str) -> str:
    """The URL with each path segment (an ntfy topic) masked like a password."""
    head, sep, query = shown.partition("?")
    scheme, _, rest = head.partition("://")
    host, *topics = rest.split("/")
    masked = "/".join([host, *("****" for topic in topics if topic)])
    return f"{scheme}://{masked}{sep}{query}"


def _refusal(url: str, reason: list[str]) -> str:
    text = "Apprise cannot use this URL"
    if reason:
        text += ": " + reason[0][:300]
    if url.lower().startswith(("mailto://", "mailtos://")) and "from=" not in url.lower():
        text += " (name the sender with from=you@example.org when the server is an address or a local name)"
    return text


class AppriseSender:
    def __init__(self, *, timeout_s: float = 30.0) -> None:
        self._timeout_s = timeout_s
        # Apprise's messages may name a channel's host, user or topic (an ntfy topic is itself
        # the secret): they are captured per attempt and stored with it, never passed on to the
        # service's log.
        logging.getLogger("apprise").propagate = False

    def describe(self, url: str) -> tuple[str, str]:
        """Every URL Apprise itself accepts is a channel; a refusal carries Apprise's reason."""
        with apprise.LogCapture(level=logging.WARNING) as logs:  # type: ignore[no-untyped-call]
            plugin = apprise.Apprise.instantiate(url)
            reason = _LOG_LINE.sub("", logs.getvalue()).strip().splitlines()
        if plugin is None:
            raise InvalidChannel(_refusal(url, reason))
        kind = url.split("://", 1)[0].lower()
        shown: str = plugin.url(privacy=True)  # type: ignore[no-untyped-call]
        return kind, _masked_topics(shown) if kind in SECRET_PATHS else shown

    async def send(self, url: str, *, title: str, body: str) -> str | None:
        channel = apprise.Apprise()
        if not channel.add(url):
            return "the URL is no longer understood"
        with apprise.LogCapture(level=logging.WARNING) as logs:  # type: ignore[no-untyped-call]
            try:
                async with asyncio.timeout(self._timeout_s):
                    delivered = await channel.async_notify(
                        body=body, title=title, body_format=apprise.NotifyFormat.TEXT
                    )
            except TimeoutError:
                return f"no answer within {self._timeout_s:g} s"
            captured = logs.getvalue()
        if delivered:
            return None
        return _LOG_LINE.sub("", captured).strip()[:500] or "the service refused the message"
