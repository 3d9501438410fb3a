"""Conversations logged at once on one contact never refuse each other: each is stored once, the
contact ends at the newest, and no answer is a 409 (a lost optimistic-lock race is retried inside
the use case, which re-reads the contact)."""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from services.contacts import interactions
from tests.api import Api
from tests.contacts.conftest import contacts_api

T = TypeVar("T")

OWNER = "student-1"


async def test_twenty_conversations_logged_at_once_on_one_contact_are_all_kept(api: Api) -> None:
    owner = api.as_owner(OWNER)
    contact = (await api.client.post("/v1/contacts", json={"name": "Ada"}, headers=owner)).json()
    moments = [f"2026-02-{day:02d}T10:00:00Z" for day in range(1, 21)]
    answers = await asyncio.gather(
        *(
            api.client.post(
                f"/v1/contacts/{contact['id']}/interactions",
                json={"kind": "message", "occurred_at": moment},
                headers=owner,
            )
            for moment in moments
        )
    )
    assert sorted(answer.status_code for answer in answers) == [201] * 20, [
        a.text for a in answers if a.status_code != 201
    ]
    listed = (await api.client.get(f"/v1/contacts/{contact['id']}/interactions", headers=owner)).json()
    assert len(listed) == 20
    after = (await api.client.get(f"/v1/contacts/{contact['id']}", headers=owner)).json()
    assert after["last_interaction_at"] == "2026-02-20T10:00:00Z"


async def test_on_postgresql_writers_of_one_contact_queue_on_its_row_and_need_no_retry(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fifty at once with the retry taken away: each waits for the contact's row, none loses."""

    async def once(work: Callable[[], Awaitable[T]]) -> T:
        return await work()

    monkeypatch.setattr(interactions, "retry_on_conflict", once)
    async with contacts_api(postgres_url) as api:
        owner = api.as_owner(OWNER)
        contact = (await api.client.post("/v1/contacts", json={"name": "Ada"}, headers=owner)).json()
        answers = await asyncio.gather(
            *(
                api.client.post(
                    f"/v1/contacts/{contact['id']}/interactions",
                    json={"kind": "message", "occurred_at": f"2026-01-01T10:{minute:02d}:00Z"},
                    headers=owner,
                )
                for minute in range(50)
            )
        )
        after = (await api.client.get(f"/v1/contacts/{contact['id']}", headers=owner)).json()
    assert Counter(answer.status_code for answer in answers) == {201: 50}
    assert after["last_interaction_at"] == "2026-01-01T10:49:00Z"
    assert after["version"] == 51
