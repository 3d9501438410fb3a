"""The contacts HTTP API, a router per resource: translates requests into use cases and results
into JSON. No rule lives here: validation of shape is pydantic's, every decision the use cases'."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI

from services.contacts.adapters.db import ConcurrentUpdate
from services.contacts.adapters.http.coaching import coaching_routes
from services.contacts.adapters.http.contacts import contacts_routes
from services.contacts.adapters.http.erasure import erasure_routes
from services.contacts.adapters.http.files import files_routes
from services.contacts.adapters.http.follow_ups import follow_up_link_actions, follow_ups_routes
from services.contacts.adapters.http.interactions import interactions_routes
from services.contacts.adapters.http.results import results_routes
from services.contacts.ports import UnitOfWorkFactory
from shared import http
from shared.errors import InvalidTransition


def contacts_router(
    *, uow: UnitOfWorkFactory, owner: Any, operator: Any, clock: Callable[[], datetime]
) -> APIRouter:
    """The /v1 routes; ``owner`` is the dependency that yields the caller's owner id, ``operator``
    the one that admits an operator."""
    router = APIRouter(prefix="/v1")
    router.include_router(erasure_routes(uow=uow, owner=owner, operator=operator, clock=clock))
    for routes in (
        contacts_routes,
        interactions_routes,
        follow_ups_routes,
        files_routes,
        results_routes,
        coaching_routes,
    ):
        router.include_router(routes(uow=uow, owner=owner, clock=clock))
    return router


__all__ = ["contacts_router", "follow_up_link_actions", "install_error_handlers"]


def install_error_handlers(app: FastAPI) -> None:
    """The shared answers, and 409 for a write that lost a race (optimistic locking)."""
    http.install_error_handlers(app, conflict=(InvalidTransition, ConcurrentUpdate))
