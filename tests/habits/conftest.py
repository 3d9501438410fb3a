from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import pytest

from services.habits.bootstrap import HabitsSettings, bootstrap
from shared.settings import KafkaSettings
from tests.api import Api, running_api


def habits_api(database_url: str, kafka: KafkaSettings | None = None) -> AbstractAsyncContextManager[Api]:
    settings = HabitsSettings(database_url=database_url, http_port=8002, kafka=kafka or KafkaSettings())
    return running_api(lambda clock: bootstrap(settings, clock=clock), "habits")


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[Api]:
    async with habits_api(database_url) as built:
        yield built
