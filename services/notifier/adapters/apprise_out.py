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


class AppriseSender:
    def __init__(self, *, timeout_s: float = 30.0) -> None:
        self._timeout_s = timeout_s
        # Apprise's messages may name a channel's host, user or topic (an ntfy topic is itself
        # the secret): they are captured per attempt and stored with it, never passed on to the
        # service's log.
        logging.getLogger("apprise").propagate = False

    def describe(self, url: str) -> tuple[str, str]:
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            raise InvalidChannel("not a notification URL Apprise understands (see its list of services)")
        return url.split("://", 1)[0].lower(), plugin.url(privacy=True)  # type: ignore[no-untyped-call]

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
