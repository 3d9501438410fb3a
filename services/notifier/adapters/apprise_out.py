"""Sending through Apprise: one URL scheme per service (``mailto://`` SMTP, ``ntfy://`` push,
Slack, Discord, Telegram …), each message to one channel at a time so every attempt has its own
outcome."""

import asyncio
import ipaddress
import logging
import re
import socket
from typing import Any

import apprise

from services.notifier.delivery import InvalidChannel
from shared import metrics

# Apprise writes "<date> - <LEVEL> - <message>" lines; keep the messages.
_LOG_LINE = re.compile(r"^\S+ \S+ - [A-Z]+ - ", re.MULTILINE)
SECRET_PATHS = {"ntfy", "ntfys"}
"""Schemes whose path is itself a secret: whoever knows an ntfy topic can read its messages."""


def _failure(captured: str) -> str:
    """What went wrong, without what the remote server wrote back (its body could be anything,
    and a user must not read the replies of servers they should not reach)."""
    if match := re.search(r"error=(\d{3})", captured):
        return f"the service answered HTTP {match.group(1)}"
    if re.search(r"(?i)timed? ?out|timeout", captured):
        return "the service did not answer in time"
    if re.search(r"(?i)connect|refused|unreachable|resolve", captured):
        return "the service could not be reached"
    return "the service refused the message"


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


USER_HOST_SCHEMES = frozenset(
    {
        "json",
        "jsons",
        "xml",
        "xmls",
        "form",
        "forms",
        "ntfy",
        "ntfys",
        "mailto",
        "mailtos",
        "gotify",
        "gotifys",
        "mqtt",
        "mqtts",
        "apprise",
        "apprises",
        "matrix",
        "matrixs",
        "rocket",
        "rockets",
        "mmost",
        "mmosts",
        "ncloud",
        "nclouds",
        "nctalk",
        "nctalks",
        "signal",
        "signals",
    }
)
"""Services whose server the URL names (a webhook, a self-hosted push or mail server): the ones a
URL could point at an address inside the operator's network. The others talk to a fixed public
service (Slack, Discord, Telegram …)."""


def private_address(host: str) -> str | None:
    """The first loopback, private, link-local (cloud metadata) or otherwise non-public address
    ``host`` resolves to; None if it resolves to public addresses only, or does not resolve."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None
    for *_, address in found:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            return str(ip)
    return None


class AppriseSender:
    def __init__(self, *, timeout_s: float = 30.0, allow_private_hosts: bool = False) -> None:
        self._timeout_s = timeout_s
        self._allow_private_hosts = allow_private_hosts
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
        if refused := self._private_host(plugin, url):
            raise InvalidChannel(refused)
        kind = url.split("://", 1)[0].lower()
        shown: str = plugin.url(privacy=True)  # type: ignore[no-untyped-call]
        return kind, _masked_topics(shown) if kind in SECRET_PATHS else shown

    async def send(self, url: str, *, title: str, body: str) -> str | None:
        error = await self._send(url, title=title, body=body)
        kind = url.split("://", 1)[0].lower()[:20]
        metrics.NUDGES.labels(kind, "sent" if error is None else "failed").inc()
        return error

    async def _send(self, url: str, *, title: str, body: str) -> str | None:
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            return "the URL is no longer understood"
        if refused := await asyncio.to_thread(self._private_host, plugin, url):
            return refused  # resolved again at each send: a name may point elsewhere by now
        channel = apprise.Apprise()
        channel.add(plugin)
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
        return _failure(_LOG_LINE.sub("", captured))

    def _private_host(self, plugin: Any, url: str) -> str | None:
        """Why this channel may not be used here: its server is inside the operator's network."""
        if self._allow_private_hosts or url.split("://", 1)[0].lower() not in USER_HOST_SCHEMES:
            return None
        host = getattr(plugin, "smtp_host", None) or getattr(plugin, "host", None)
        if not host or not (address := private_address(str(host).strip("[]"))):
            return None
        return f"the channel's server is a private or local address ({address}); only public ones are allowed"
