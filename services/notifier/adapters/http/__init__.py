"""The notifier's HTTP API, one module per feature; the error mapping every route shares."""

from fastapi import FastAPI

from services.notifier.adapters.http.calendars import calendar_router, feeds_router
from services.notifier.adapters.http.preferences import preferences_router
from services.notifier.adapters.http.prompts import prompts_router
from services.notifier.adapters.http.streaks import streaks_router
from shared import http
from shared.errors import DomainError, InvalidTransition, NotFound
from shared.schedules import InvalidSchedule

__all__ = [
    "calendar_router",
    "feeds_router",
    "install_error_handlers",
    "preferences_router",
    "prompts_router",
    "streaks_router",
]


def install_error_handlers(app: FastAPI) -> None:
    http.install_error_handlers(
        app,
        not_found=(NotFound,),
        conflict=(InvalidTransition,),
        unprocessable=(DomainError, InvalidSchedule),
    )
