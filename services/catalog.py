"""The services of the system, by name: what the CLI runs and documents."""

from collections.abc import Callable

from services.contacts.bootstrap import ContactsSettings
from services.contacts.bootstrap import bootstrap as contacts
from services.habits.bootstrap import HabitsSettings
from services.habits.bootstrap import bootstrap as habits
from services.notifier.bootstrap import NotifierSettings
from services.notifier.bootstrap import bootstrap as notifier
from shared.runtime import ServiceRuntime
from shared.settings import ServiceSettings

SERVICES: dict[str, Callable[[], ServiceRuntime]] = {
    "contacts": contacts,
    "habits": habits,
    "notifier": notifier,
}
SETTINGS: dict[str, Callable[[], ServiceSettings]] = {
    "contacts": ContactsSettings,
    "habits": HabitsSettings,
    "notifier": NotifierSettings,
}
