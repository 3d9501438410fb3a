"""What every service's HTTP app shares: health and readiness probes, a bound on body size, and an
access log that never writes a secret."""

import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from shared import metrics
from shared.asgi import json_answer
from shared.db.failures import is_transient
from shared.errors import DomainError, InvalidTransition, NotFound
from shared.input_guard import InputGuard
from shared.rate_limits import RateLimits, RateSettings
from shared.schedules import InvalidSchedule

ReadinessCheck = Callable[[], Awaitable[None]]


def database_check(engine: AsyncEngine) -> ReadinessCheck:
    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return check


def health_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="The process can serve: its dependencies answer")
    async def readyz(response: Response) -> dict[str, Any]:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as error:  # noqa: BLE001 - reported, not raised
                results[name] = f"failing: {type(error).__name__}"
        ready = all(result == "ok" for result in results.values())
        response.status_code = 200 if ready else 503
        return {"status": "ready" if ready else "not ready", "checks": results}

    return router


class BodySizeLimit:
    """Answers 413 before reading a body larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(self.max_bytes, send)
            return
        received = 0

        async def bounded_receive() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, bounded_receive, send)
        except _BodyTooLarge:
            await _too_large(self.max_bytes, send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(max_bytes: int, send: Send) -> None:
    await json_answer(send, 413, {"detail": f"request body larger than {max_bytes} bytes"})


ACCESS_LOG = logging.getLogger("keepwarm.access")
log = logging.getLogger("keepwarm.http")
SECRETS_IN_PATHS = re.compile(r"kwcal_[A-Za-z0-9_-]+")
"""Bearer secrets that travel in URLs (calendar feed tokens): never written to a log."""


def redact(path: str) -> str:
    return SECRETS_IN_PATHS.sub("[redacted]", path)


class AccessLog:
    """One line per request (method, path with secrets redacted, status, milliseconds); the
    query string is left out, as it may carry secrets too. Its time goes to the latency
    histogram, labelled by route template."""

    def __init__(
        self, app: ASGIApp, service: str = "", templates: Callable[[], Iterable[str]] = tuple
    ) -> None:
        self.app = app
        self.service = service
        self._templates = templates
        self._compiled: list[tuple[re.Pattern[str], str]] | None = None

    def template(self, path: str) -> str:
        """The route template a path matched (``/v1/contacts/{contact_id}``): never the path
        itself, which may hold a secret."""
        if self._compiled is None:
            self._compiled = [(compile_path(t)[0], t) for t in self._templates()]
        for regex, template in self._compiled:
            if regex.match(path):
                return template
        return "unmatched"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            took = time.perf_counter() - started
            route = self.template(scope["path"])
            metrics.REQUEST_SECONDS.labels(self.service, scope["method"], route, str(status)).observe(took)
            ACCESS_LOG.info("%s %s %d %.1fms", scope["method"], redact(scope["path"]), status, took * 1000)


def create_app(
    *,
    title: str,
    version: str,
    routers: Sequence[APIRouter],
    checks: dict[str, ReadinessCheck],
    max_body_bytes: int = 2 * 1024 * 1024,
    docs: bool = True,
    browser_origins: Sequence[str] = (),
    rate_limits: RateSettings | None = None,
    service: str = "",
) -> FastAPI:
    if docs:
        app = FastAPI(title=title, version=version)
    else:  # in production, by default: the API's description is not for everyone
        app = FastAPI(title=title, version=version, docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(health_router(checks))
    app.add_route("/metrics", metrics.metrics_endpoint, include_in_schema=False)
    for router in routers:
        app.include_router(router)
    app.add_middleware(InputGuard)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    if rate_limits is not None:
        app.add_middleware(RateLimits, settings=rate_limits)
    app.add_exception_handler(RequestValidationError, answer_invalid)
    app.add_exception_handler(StarletteHTTPException, _answer_http_error)
    if browser_origins:  # the student's page, served from another origin (locally)
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(browser_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    app.add_middleware(
        AccessLog, service=service, templates=lambda: [*app.openapi().get("paths", {}), "/metrics"]
    )
    _document_every_answer(app)
    return app


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            ]
        }
    },
    "required": ["detail"],
}
_ANSWERS = {
    "400": "The body is not JSON",
    "401": "No valid bearer token",
    "404": "Not found, or not the caller's",
    "409": "The item's state does not allow it, or a concurrent change won",
    "413": "The body is larger than the limit",
    "422": "Bad input; `detail` names each field at fault",
    "429": "Too many requests; `Retry-After` says when to try again",
    "503": "A dependency is briefly out of reach; `Retry-After` says when to try again",
}
LOCAL_TIME = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?$"


def _document_every_answer(app: FastAPI) -> None:
    """The OpenAPI document states every answer the service gives (the errors every route may
    give, from the shared machinery), and local times as what they are: ``21:00:00`` has no
    offset, so it is a pattern, not JSON Schema's ``format: time``."""
    build = app.openapi

    def document() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        spec.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for path, item in spec.get("paths", {}).items():
            if not path.startswith(("/v1/", "/calendars/")):
                continue
            for operation in item.values():
                codes = {"404", "422", "429", "503"}
                if operation.get("security"):
                    codes.add("401")
                if "requestBody" in operation:
                    codes |= {"400", "413"}
                if "requestBody" in operation or any(
                    p.get("in") == "path" for p in operation.get("parameters", [])
                ):
                    codes.add("409")
                responses = operation.setdefault("responses", {})
                for code in sorted(codes - set(responses)):
                    responses[code] = {
                        "description": _ANSWERS[code],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    }
        _local_times(spec)
        app.openapi_schema = spec
        return spec

    app.openapi = document  # type: ignore[method-assign]


def _local_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
            node["pattern"] = LOCAL_TIME
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


def install_error_handlers(
    app: FastAPI,
    *,
    not_found: tuple[type[Exception], ...] = (NotFound,),
    conflict: tuple[type[Exception], ...] = (InvalidTransition,),
    unprocessable: tuple[type[Exception], ...] = (DomainError, InvalidSchedule),
) -> None:
    """Domain outcomes as HTTP: 404 for anything that is not the caller's, 409 for a state
    conflict, 422 in FastAPI's own ``detail[].loc`` shape for a broken rule (its ``field``, if any).
    Exceptions are matched most specific first, so a conflict may subclass a domain error."""

    async def answer_not_found(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": f"{error} not found"}, status_code=404)

    async def answer_conflict(_: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error) or "changed meanwhile; reload and retry"}, status_code=409)

    async def answer_unprocessable(_: Request, error: Exception) -> JSONResponse:
        field = getattr(error, "field", None)
        location = ["body", field] if field else ["body"]
        return JSONResponse(
            {"detail": [{"loc": location, "msg": str(error), "type": "value_error"}]}, status_code=422
        )

    for kinds, handler in (
        (not_found, answer_not_found),
        (conflict, answer_conflict),
        (unprocessable, answer_unprocessable),
        ((DBAPIError, OSError, TimeoutError), answer_infrastructure),
    ):
        for kind in kinds:
            app.add_exception_handler(kind, handler)


async def _answer_http_error(request: Request, error: Exception) -> Response:
    """FastAPI's answer, except that a 405 names every method the path has in ``Allow`` (the
    router names only those of the first route it tried)."""
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 405:
        methods: set[str] = set()
        for route in request.app.router.routes:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= set(getattr(route, "methods", None) or ())
        headers["Allow"] = ", ".join(sorted(methods))
    return await http_exception_handler(
        request, StarletteHTTPException(error.status_code, error.detail, headers)
    )


async def answer_invalid(_: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422, without the rejected input: it may be anything (a huge string, bytes that
    are not text), and it is the caller's own."""
    assert isinstance(error, RequestValidationError)
    detail = [
        {"loc": list(fault["loc"]), "msg": fault["msg"], "type": fault["type"]} for fault in error.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=422)


RETRY_AFTER_S = 5
_TRACEBACK_EVERY_S = 60.0
_last_traceback = [-_TRACEBACK_EVERY_S]


async def answer_infrastructure(request: Request, error: Exception) -> JSONResponse:
    """The database (or another server) is out of reach: 503 with ``Retry-After`` and a JSON body,
    one log line per request, a traceback at most once a minute. Anything else the database
    refuses is a 500 in JSON, logged the same way."""
    transient = is_transient(error)
    now = time.monotonic()
    traceback = now - _last_traceback[0] >= _TRACEBACK_EVERY_S
    if traceback:
        _last_traceback[0] = now
    cause = str(getattr(error, "orig", None) or error).strip()
    log.error(
        "%s %s failed: %s: %s",
        request.method,
        redact(request.url.path),
        type(error).__name__,
        cause.splitlines()[0][:300] if cause else "",  # the first line: never a statement's values
        exc_info=error if traceback else None,
    )
    if transient:
        return JSONResponse(
            {"detail": "the service's database is out of reach; try again shortly"},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    return JSONResponse({"detail": "internal error"}, status_code=500)
