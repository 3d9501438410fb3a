"""Real receivers for nudges: an SMTP server (aiosmtpd) keeping the mail it accepts, and an
HTTP endpoint speaking enough of ntfy's publish API (a JSON POST) to keep the pushes it gets."""

import email
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from shared.localinfra.processes import free_port


@dataclass
class Mailbox:
    port: int
    messages: list[Message] = field(default_factory=list)

    def url(self, to: str = "student@example.org") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=keepwarm@example.org&to={to}&mode=insecure"

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.messages]

    def bodies(self) -> list[str]:
        texts = []
        for message in self.messages:
            part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            texts.append(payload.decode(part.get_content_charset() or "utf-8").replace("\r\n", "\n").strip())
        return texts


class _Keeper:
    def __init__(self, box: Mailbox) -> None:
        self._box = box

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        self._box.messages.append(email.message_from_bytes(content))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    box = Mailbox(free_port())
    controller = Controller(_Keeper(box), hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class PushEndpoint:
    port: int
    pushes: list[dict[str, Any]] = field(default_factory=list)
    failing: bool = False

    def url(self, topic: str = "keepwarm-student") -> str:
        return f"ntfy://127.0.0.1:{self.port}/{topic}"


@contextmanager
def push_endpoint() -> Iterator[PushEndpoint]:
    endpoint = PushEndpoint(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if endpoint.failing:
                self.send_response(503)
                self.end_headers()
                return
            endpoint.pushes.append(json.loads(body))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "kept"}')

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", endpoint.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
