"""The three services over their own fresh PostgreSQL databases and this test's topics, as a
test that follows a student through all of them needs them."""

from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack

from shared.settings import KafkaSettings
from tests.api import Api
from tests.contacts.conftest import contacts_api
from tests.habits.conftest import habits_api
from tests.notifier.conftest import notifier_api


async def three_services(
    stack: AsyncExitStack, new_database: Callable[[], Awaitable[str]], kafka: KafkaSettings
) -> tuple[Api, Api, Api]:
    """(contacts, habits, notifier), each closed with ``stack``."""
    contacts = await stack.enter_async_context(contacts_api(await new_database(), kafka))
    habits = await stack.enter_async_context(habits_api(await new_database(), kafka))
    notifier = await stack.enter_async_context(notifier_api(await new_database(), kafka))
    return contacts, habits, notifier
