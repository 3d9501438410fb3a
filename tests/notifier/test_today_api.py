"""Today, the student's daily screen in one read of the notifier: whom to reach out to with a
give-first suggestion, follow-ups overdue and due before the owner's day ends (in their zone),
each habit still due today, and held-back prompts with the reason; owner-scoped."""

from datetime import UTC, datetime, timedelta
from typing import Any

from services.notifier.adapters.kafka_in import habit_events
from shared.contracts import contacts as contract
from shared.contracts import habits as habit_contract
from shared.vocabulary import Direction, InteractionKind
from tests.api import Api
from tests.notifier.stream import apply, at, contact, daily_habit, follow_up

OWNER = "student-1"
LONG_AGO = datetime(2025, 12, 1, 17, tzinfo=UTC)
RECENT = datetime(2026, 2, 20, 17, tzinfo=UTC)


async def today(api: Api, owner: str = OWNER) -> dict[str, Any]:
    response = await api.client.get("/v1/today", headers=api.as_owner(owner))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def unanswered(n: int) -> contract.InteractionLogged:
    moment = RECENT - timedelta(days=n)
    return contract.InteractionLogged(
        **at(OWNER),
        contact=contact("grace", name="Grace", version=1 + n, last_interaction_at=RECENT),
        interaction=contract.InteractionSnapshot(
            id=f"g{n}",
            contact_id="grace",
            kind=InteractionKind.MESSAGE,
            direction=Direction.OUTBOUND,
            occurred_at=moment,
            version=1,
        ),
    )


async def test_today_gathers_the_owners_day_in_their_zone(api: Api) -> None:
    # 2 March 2026, 09:00 UTC is 22:00 in Auckland: its day ends at 11:00 UTC.
    owner = api.as_owner(OWNER)
    response = await api.client.patch("/v1/preferences", json={"timezone": "Pacific/Auckland"}, headers=owner)
    assert response.status_code == 200, response.text
    now = api.clock.now
    await apply(
        api.runtime,
        [
            contract.ContactAdded(
                **at(OWNER), contact=contact("ada", name="Ada", last_interaction_at=LONG_AGO)
            ),
            contract.ContactAdded(
                **at(OWNER), contact=contact("grace", name="Grace", last_interaction_at=RECENT)
            ),
            unanswered(1),
            unanswered(2),
            contract.FollowUpScheduled(
                **at(OWNER),
                contact=contact("ada", name="Ada", last_interaction_at=LONG_AGO),
                follow_up=follow_up(
                    "late", due_at=now - timedelta(days=1), contact_id="ada", interaction_id=None
                ),
            ),
            contract.FollowUpScheduled(
                **at(OWNER),
                contact=contact("ada", name="Ada", last_interaction_at=LONG_AGO),
                follow_up=follow_up(
                    "tonight", due_at=now + timedelta(hours=1), contact_id="ada", interaction_id=None
                ),
            ),
            contract.FollowUpScheduled(
                **at(OWNER),
                contact=contact("ada", name="Ada", last_interaction_at=LONG_AGO),
                follow_up=follow_up(
                    "tomorrow", due_at=now + timedelta(hours=3), contact_id="ada", interaction_id=None
                ),
            ),
        ],
        now,
    )
    habit = daily_habit("Pacific/Auckland")
    await apply(
        api.runtime,
        [habit_contract.HabitCreated(**at(OWNER), habit=habit)],
        now,
        handler_of=habit_events,
    )
    api.clock.advance(days=60)  # Grace is due too, but held back: two messages got no answer
    now = api.clock.now

    day = await today(api)
    assert day["timezone"] == "Pacific/Auckland"
    assert day["day"] == "2026-05-01"  # 1 May, 09:00 UTC is 21:00 in Auckland
    assert day["day_ends_at"] == "2026-05-01T12:00:00Z"  # midnight NZST
    assert [p["contact_name"] for p in day["reach_out"]] == ["Ada"]
    assert day["reach_out"][0]["suggestion"]["text"]
    assert [(h["prompt"]["contact_name"], h["prompt"]["status"]) for h in day["held_back"]] == [
        ("Grace", "held")
    ]
    assert "no answer" in day["held_back"][0]["reason"]
    assert [f["id"] for f in day["follow_ups_overdue"]] == ["late", "tonight", "tomorrow"]
    assert day["follow_ups_today"] == []
    assert day["follow_ups_overdue"][0]["contact_id"] == "ada"
    [streak] = day["habits"]
    assert (streak["habit_name"], streak["at_risk"]) == ("One outreach a day", True)

    stranger = await today(api, "someone-else")
    assert [stranger[key] for key in ("reach_out", "follow_ups_overdue", "habits", "held_back")] == [[]] * 4


async def test_follow_ups_due_before_the_day_ends_are_todays_and_later_ones_are_not(api: Api) -> None:
    owner = api.as_owner(OWNER)
    await api.client.patch("/v1/preferences", json={"timezone": "Pacific/Auckland"}, headers=owner)
    now = api.clock.now  # 22:00 in Auckland; the day ends at 11:00 UTC
    ada = contact("ada", name="Ada")
    await apply(
        api.runtime,
        [
            contract.ContactAdded(**at(OWNER), contact=ada),
            *(
                contract.FollowUpScheduled(
                    **at(OWNER),
                    contact=ada,
                    follow_up=follow_up(name, due_at=due, contact_id="ada", interaction_id=None),
                )
                for name, due in [
                    ("late", now - timedelta(minutes=5)),
                    ("tonight", now + timedelta(hours=1, minutes=59)),
                    ("tomorrow", now + timedelta(hours=2)),
                ]
            ),
        ],
        now,
    )
    day = await today(api)
    assert [f["id"] for f in day["follow_ups_overdue"]] == ["late"]
    assert [f["id"] for f in day["follow_ups_today"]] == ["tonight"]
    assert day["follow_ups_today"][0]["contact_name"] == "Ada"
