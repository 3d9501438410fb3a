from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import pytest

from services.notifier.bootstrap import NotifierSettings, bootstrap
from shared.settings import KafkaSettings
from tests.api import Api, running_api


def notifier_api(database_url: str, kafka: KafkaSettings | None = None) -> AbstractAsyncContextManager[Api]:
    settings = NotifierSettings(database_url=database_url, http_port=8003, kafka=kafka or KafkaSettings())
    return running_api(lambda clock: bootstrap(settings, clock=clock), "notifier")


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[Api]:
    async with notifier_api(database_url) as built:
        yield built
