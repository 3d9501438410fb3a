"""The notifier's HTTP API, one module per feature (errors answer as every service's do:
``shared.http.install_error_handlers``)."""

from services.notifier.adapters.http.calendars import calendar_router, feeds_router
from services.notifier.adapters.http.campus import campus_router
from services.notifier.adapters.http.preferences import preferences_router
from services.notifier.adapters.http.prompts import prompt_link_actions, prompts_router
from services.notifier.adapters.http.streaks import streaks_router
from services.notifier.adapters.http.today import today_router

__all__ = [
    "calendar_router",
    "campus_router",
    "feeds_router",
    "preferences_router",
    "prompt_link_actions",
    "prompts_router",
    "streaks_router",
    "today_router",
]
