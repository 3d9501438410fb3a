"""Serves the student's page locally: the built files, the addresses of the APIs it calls
(``/config.json``), and, in development only, a sign-in that takes a name and needs no secret.

In production an ordinary web server serves the same files behind the ingress (``deploy/page``)
and the page signs in with the OpenID Connect issuer; nothing here runs there."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import AuthSettings, local_secret, mint_token

BUILT = Path(__file__).parent / "web" / "dist"
OWNER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
SESSION_DAYS = 7


class NotBuilt(RuntimeError):
    pass


@dataclass(frozen=True)
class OidcClient:
    """How the page signs in with the issuer the services accept: authorization code with PKCE."""

    authority: str
    client_id: str
    scope: str


def page_app(
    *, apis: Mapping[str, str], development: bool, oidc: OidcClient | None = None, built: Path = BUILT
) -> ASGIApp:
    """``apis`` maps each service to the base URL the browser calls it at. Sign-in is by name in
    development (no secret), else with ``oidc``."""
    if not (built / "index.html").is_file():
        raise NotBuilt(f"the page is not built: npm run build --prefix {built.parent}")
    secret = local_secret(AuthSettings()) if development else None
    how: dict[str, object] = {"sign_in": "name"} if development else {"sign_in": "oidc"}
    if not development and oidc is not None:
        how["oidc"] = {"authority": oidc.authority, "client_id": oidc.client_id, "scope": oidc.scope}

    async def config(_: Request) -> JSONResponse:
        return JSONResponse({"apis": dict(apis), **how})

    async def sign_in(request: Request) -> JSONResponse:
        if secret is None:
            return JSONResponse({"detail": "sign-in by name exists only in development"}, status_code=404)
        try:
            body = await request.json()
        except ValueError:
            body = None
        name = body.get("name") if isinstance(body, dict) else None
        owner = name.strip().lower() if isinstance(name, str) else ""
        if not OWNER_NAME.fullmatch(owner):
            detail = "`name`: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
            return JSONResponse({"detail": detail, "field": "name"}, status_code=422)
        token = mint_token(secret=secret, owner_id=owner, ttl=timedelta(days=SESSION_DAYS))
        return JSONResponse({"owner": owner, "token": token}, headers={"Cache-Control": "no-store"})

    app = Starlette(
        routes=[
            Route("/config.json", config),
            Route("/session", sign_in, methods=["POST"]),
            Mount("/", StaticFiles(directory=built, html=True)),
        ]
    )
    issuer = [oidc.authority] if oidc is not None and not development else []
    return SecurityHeaders(app, connect=sorted({*apis.values(), *issuer}))


class SecurityHeaders:
    """What a page that holds a bearer token should send: no inline script, no framing, no
    referrer, and only the APIs to connect to."""

    def __init__(self, app: ASGIApp, *, connect: list[str]) -> None:
        self.app = app
        sources = " ".join(["'self'", *(url for url in connect if "://" in url)])
        self.headers = [
            (
                b"content-security-policy",
                (
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    f"connect-src {sources}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
                ).encode(),
            ),
            (b"referrer-policy", b"no-referrer"),
            (b"x-content-type-options", b"nosniff"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)
