"""Input no service can store, refused before any route sees it: JSON numbers that are not
finite (``NaN``, ``Infinity``, ``1e400``), NUL characters (PostgreSQL cannot hold them in text)
and unpaired surrogates (no encoding can write them), in a JSON body, a query parameter or the
path. The answer is 422 in FastAPI's shape, naming the field (``loc``); nothing is changed."""

import json
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _NotFinite:
    """Stands where a JSON document held NaN or ±Infinity, so the walk can name its place."""


def _refuse_constant(_: str) -> _NotFinite:
    return _NotFinite()


def _number(text: str) -> float | _NotFinite:
    value = float(text)
    return value if math.isfinite(value) else _NotFinite()


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None."""
    if "\x00" in text:
        return "a NUL character cannot be stored"
    if any("\ud800" <= char <= "\udfff" for char in text):
        return "an unpaired surrogate is not text"
    return None


def faults_in(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every place in a parsed JSON document that holds what no service can store."""
    if isinstance(value, _NotFinite):
        yield path, "a number must be finite"
    elif isinstance(value, str):
        if reason := unstorable(value):
            yield path, reason
    elif isinstance(value, dict):
        for key, item in value.items():
            if reason := unstorable(key):
                yield (*path, key), reason
            yield from faults_in(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from faults_in(item, (*path, index))


class InputGuard:
    """The ASGI middleware that applies the rules above; the body is read once and handed on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        faults = list(self._url_faults(scope))
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = dict(scope["headers"])
        if not faults and body and b"json" in headers.get(b"content-type", b""):
            faults = self._json_faults(body)
        elif not faults and b"\x00" in body:
            faults = [(("body",), "a NUL character cannot be stored")]
        if faults:
            await _unprocessable(faults, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    def _url_faults(scope: Scope) -> Iterator[tuple[tuple[str | int, ...], str]]:
        path = unquote(
            scope.get("raw_path", b"").decode("latin-1") or scope["path"], errors="surrogateescape"
        )
        if reason := unstorable(path):
            yield ("path",), reason
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True, errors="surrogateescape"):
            if reason := unstorable(value) or unstorable(name):
                yield ("query", name), reason

    @staticmethod
    def _json_faults(body: bytes) -> list[tuple[tuple[str | int, ...], str]]:
        try:
            document = json.loads(body, parse_constant=_refuse_constant, parse_float=_number)
        except (ValueError, UnicodeDecodeError):
            return []  # not JSON at all: the route's own validation answers
        return [(("body", *path), reason) for path, reason in faults_in(document)]


async def _unprocessable(faults: list[tuple[tuple[str | int, ...], str]], send: Send) -> None:
    detail = [
        {
            "loc": [str(part) if isinstance(part, str) else part for part in loc],
            "msg": reason,
            "type": "value_error",
        }
        for loc, reason in faults
    ]
    body = json.dumps({"detail": detail}, ensure_ascii=True).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
