"""Cadence and politeness rules of keep-alive prompts."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.notifier.domain.prompts import (
    Person,
    SuggestionKind,
    Touch,
    cadence,
    due_at,
    held_back,
    suggest,
    unanswered,
)
from services.notifier.domain.quiet_hours import QuietHours, next_allowed
from shared.vocabulary import Category, Direction, Outcome, Tie

ADDED = datetime(2026, 1, 5, 12, tzinfo=UTC)
MET = datetime(2026, 2, 1, 18, tzinfo=UTC)


def person(**fields: object) -> Person:
    values: dict[str, object] = {
        "id": "c1",
        "name": "Ada",
        "tie": Tie.WEAK,
        "category": Category.MENTOR,
        "cadence_days": 60,
        "added_at": ADDED,
        "last_interaction_at": MET,
    }
    values.update(fields)
    return Person(**values)  # type: ignore[arg-type]


def test_due_counts_from_when_the_interaction_happened_by_cadence() -> None:
    assert due_at(person()) == MET + timedelta(days=60)
    assert due_at(person(tie=Tie.STRONG, cadence_days=21)) == MET + timedelta(days=21)
    assert due_at(person(last_interaction_at=None)) == ADDED + timedelta(days=60)


def test_an_owner_may_change_a_ties_default_but_not_a_persons_own_cadence() -> None:
    owner = {Tie.WEAK: 30}
    assert cadence(person(), owner) == 30
    assert cadence(person(cadence_days=45), owner) == 45
    assert cadence(person(tie=Tie.STRONG, cadence_days=21), owner) == 21


def test_two_unanswered_outbound_touches_hold_a_contact_until_they_answer() -> None:
    day = timedelta(days=1)
    out1, out2 = Touch(Direction.OUTBOUND, MET), Touch(Direction.OUTBOUND, MET + day)
    assert unanswered([out1]) == 1
    assert not held_back([out1])
    assert held_back([out1, out2])
    answered = [out1, out2, Touch(Direction.INBOUND, MET + 2 * day)]
    assert not held_back(answered)
    assert held_back(
        [*answered, Touch(Direction.OUTBOUND, MET + 3 * day), Touch(Direction.OUTBOUND, MET + 4 * day)]
    )
    assert not held_back([out1, out2], reset_at=MET + day)


def test_an_answered_touch_ends_the_unanswered_ones_whatever_its_direction() -> None:
    day = timedelta(days=1)
    out1 = Touch(Direction.OUTBOUND, MET)
    for outcome in (Outcome.REPLIED, Outcome.MEETING_BOOKED, Outcome.INTRODUCTION_MADE, Outcome.OPPORTUNITY):
        replied = Touch(Direction.OUTBOUND, MET + day, outcome)
        assert unanswered([out1, replied]) == 0
        assert not held_back([out1, replied])
        assert unanswered([out1, replied, Touch(Direction.OUTBOUND, MET + 2 * day)]) == 1
    ignored = Touch(Direction.OUTBOUND, MET + day, Outcome.NO_REPLY)
    assert held_back([out1, ignored])


def test_a_dormant_tie_gets_a_revival_and_suggestions_never_repeat_their_kind() -> None:
    dormant = person(
        tie=Tie.DORMANT, cadence_days=180, tags=("robotics", "climate"), company="Analytical Ltd"
    )
    first = suggest(dormant)
    assert first.kind is SuggestionKind.REVIVE
    assert "Ada" in first.text
    second = suggest(dormant, first)
    assert second.kind is SuggestionKind.SHARE
    assert second.topic == "climate"
    third = suggest(dormant, second)
    assert third.kind is not SuggestionKind.SHARE
    assert suggest(person(), None).kind is SuggestionKind.CHECK_IN


def test_shared_topics_rotate_through_the_tags() -> None:
    tagged = person(tags=("robotics", "climate"))
    first = suggest(tagged)
    assert (first.kind, first.topic) == (SuggestionKind.SHARE, "climate")
    introduce = suggest(tagged, first)
    assert introduce.kind is SuggestionKind.INTRODUCE
    again = suggest(tagged, introduce)
    assert again.kind is SuggestionKind.SHARE


def test_quiet_hours_move_a_nudge_to_their_end_in_local_time_across_dst() -> None:
    quiet = QuietHours(time(21, 0), time(8, 0))
    berlin = ZoneInfo("Europe/Berlin")
    late = datetime(2026, 3, 28, 22, 30, tzinfo=berlin)  # the night clocks spring forward
    moved = next_allowed(late, "Europe/Berlin", quiet)
    assert moved == datetime(2026, 3, 29, 8, 0, tzinfo=berlin)
    assert moved.astimezone(UTC) - late.astimezone(UTC) == timedelta(hours=8, minutes=30)  # 9h30 on the wall
    early = datetime(2026, 10, 25, 1, 0, tzinfo=ZoneInfo("America/New_York"))
    assert next_allowed(early, "America/New_York", quiet) == datetime(
        2026, 10, 25, 8, 0, tzinfo=ZoneInfo("America/New_York")
    )
    noon = datetime(2026, 3, 28, 11, 0, tzinfo=UTC)
    assert next_allowed(noon, "Europe/Berlin", quiet) == noon
    assert not QuietHours(time(9), time(9)).contains(time(9))
    assert QuietHours(time(13), time(14)).contains(time(13, 30))


def test_a_suggestion_says_how_to_do_it_the_owners_way_and_now_and_then_one_step_outside() -> None:
    from services.notifier.domain.prompts import STRETCH_EVERY, Medium, Size, Style, follow, stretch_now

    one_to_one = Style(Medium.IN_PERSON, Size.ONE_TO_ONE)
    people = [person(id=f"c{n}", last_interaction_at=MET + timedelta(days=n)) for n in range(200)]
    prompts = [
        follow(None, owner_id="me", person=p, archived=False, touches=[], style=one_to_one) for p in people
    ]
    stretched = [p for p in prompts if "one step outside" in p.suggestion.text]
    assert all(
        p.suggestion.text.endswith("Do it over a coffee or a walk.") for p in prompts if p not in stretched
    )
    assert all("try it at a meetup or event they go to" in p.suggestion.text for p in stretched)
    assert {p.contact_id for p in stretched} == {
        p.contact_id for p in prompts if stretch_now(p.contact_id, p.due_at)
    }
    assert 200 / STRETCH_EVERY / 2 < len(stretched) < 200 / STRETCH_EVERY * 2  # now and then, not always
    groups_online = Style(Medium.ONLINE, Size.GROUPS)
    assert groups_online.stretched == Style(Medium.ONLINE, Size.ONE_TO_ONE)  # the same medium, the other size
    plain = follow(None, owner_id="me", person=people[0], archived=False, touches=[])
    assert plain.suggestion.text == suggest(people[0]).text  # no style said: as before
