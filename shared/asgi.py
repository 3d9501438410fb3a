"""Answering from ASGI middleware, before any route runs."""

import json
from typing import Any

from starlette.types import Send


async def json_answer(
    send: Send, status: int, body: dict[str, Any], *, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    content = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
