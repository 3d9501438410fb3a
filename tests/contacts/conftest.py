from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import pytest

from services.contacts.bootstrap import ContactsSettings, bootstrap
from shared.settings import KafkaSettings
from tests.api import Api, Clock, running_api


def contacts_api(database_url: str, kafka: KafkaSettings | None = None) -> AbstractAsyncContextManager[Api]:
    settings = ContactsSettings(database_url=database_url, http_port=8001, kafka=kafka or KafkaSettings())
    return running_api(lambda clock: bootstrap(settings, clock=clock), "contacts")


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[Api]:
    async with contacts_api(database_url) as built:
        yield built


__all__ = ["Api", "Clock", "contacts_api"]
