"""The campus rules, without I/O: what a campus record makes in the tracker, how a week is
summarised, and that no cohort figure describes fewer than five students."""

from datetime import UTC, date, datetime

import pytest

from services.contacts.domain.campus import CampusKind, CampusRecord, Person, match_key, meetings
from services.notifier.domain.campus import (
    MIN_STUDENTS,
    Cell,
    Fact,
    FactKind,
    bucket_of,
    streak_distribution,
    week_end,
    week_summary,
)
from shared.vocabulary import Category, Direction, InteractionKind, Outcome, Warmth

AT = datetime(2026, 3, 4, 18, tzinfo=UTC)
ADA = Person(name="Ada Lovelace", company="Analytical Engines", email="ada@example.org")
GRACE = Person(name="Grace Hopper", company="Navy", category=Category.RECRUITER)


def record(kind: CampusKind, *people: Person, reference: str = "fair-2026") -> CampusRecord:
    return CampusRecord(kind, "student-1", reference, AT, people, title="Spring career fair")


def test_everyone_met_at_an_event_becomes_a_warm_contact_with_the_conversation_logged() -> None:
    made = meetings(record(CampusKind.EVENT_ATTENDED, ADA, GRACE))
    assert [m.person.name for m in made] == ["Ada Lovelace", "Grace Hopper"]
    assert [m.category for m in made] == [Category.OTHER, Category.RECRUITER]
    assert all(m.warmth is Warmth.WARM and m.interaction_kind is InteractionKind.EVENT for m in made)
    assert all(m.follow_up_id is None for m in made)
    assert made[0].how_met == "Met at Spring career fair (2026-03-04), from your campus"


def test_a_matched_mentor_is_cold_with_a_follow_up_to_reach_out_and_no_conversation_yet() -> None:
    [mentor] = meetings(record(CampusKind.MENTOR_MATCHED, ADA))
    assert (mentor.category, mentor.warmth, mentor.interaction_id) == (Category.MENTOR, Warmth.COLD, None)
    assert mentor.follow_up_due == datetime(2026, 3, 6, 18, tzinfo=UTC)
    assert mentor.follow_up_title == "Reach out to Ada Lovelace: introduce yourself"


def test_an_advising_appointment_is_an_informational_interview() -> None:
    [advisor] = meetings(record(CampusKind.ADVISING_COMPLETED, ADA))
    assert advisor.interaction_kind is InteractionKind.INFORMATIONAL_INTERVIEW


def test_ids_come_from_the_reference_so_a_record_sent_twice_makes_the_same_things() -> None:
    first = meetings(record(CampusKind.EVENT_ATTENDED, ADA, GRACE))
    again = meetings(record(CampusKind.EVENT_ATTENDED, ADA, GRACE))
    other = meetings(record(CampusKind.EVENT_ATTENDED, ADA, GRACE, reference="fair-2027"))
    assert [m.interaction_id for m in first] == [m.interaction_id for m in again]
    assert {m.interaction_id for m in first}.isdisjoint({m.interaction_id for m in other})
    assert len({m.contact_id for m in first}) == 2


def test_the_same_person_from_two_records_is_one_contact() -> None:
    assert match_key(ADA) == match_key(Person(name="ada lovelace", email="ADA@example.org"))
    assert match_key(ADA) != match_key(GRACE)


def fact(n: int, *, on: date, outcome: Outcome | None = None, **fields: object) -> Fact:
    values: dict[str, object] = {
        "kind": FactKind.INTERACTION,
        "direction": Direction.OUTBOUND,
        "outcome": outcome,
        **fields,
    }
    return Fact(id=f"f{n}", owner_id="student-1", at=AT, on=on, **values)  # type: ignore[arg-type]


def test_a_week_counts_what_happened_from_monday_to_sunday_and_not_what_was_deleted() -> None:
    facts = [
        fact(1, on=date(2026, 3, 2), outcome=Outcome.REPLIED),
        fact(2, on=date(2026, 3, 8), outcome=Outcome.NO_REPLY),
        fact(3, on=date(2026, 3, 8), direction=Direction.INBOUND),
        fact(4, on=date(2026, 3, 9)),  # the next Monday
        fact(5, on=date(2026, 3, 3), deleted=True),
        fact(6, on=date(2026, 3, 3), kind=FactKind.CONTACT, direction=None),
        fact(7, on=date(2026, 3, 4), kind=FactKind.FOLLOW_UP, direction=None),
    ]
    week = week_summary("student-1", date(2026, 3, 2), facts, longest_streak=4)
    assert (week.interactions, week.outbound, week.answered) == (3, 2, 1)
    assert (week.contacts_added, week.follow_ups_done, week.longest_streak) == (1, 1, 4)


def test_a_week_ends_at_the_owners_next_monday_day_start() -> None:
    ends = week_end(date(2026, 3, 2), timezone="America/New_York", day_start=datetime.min.time())
    assert ends == datetime(2026, 3, 9, 4, tzinfo=UTC)  # EDT from 8 March


@pytest.mark.parametrize("students", [0, 1, MIN_STUDENTS - 1])
def test_a_cell_built_from_fewer_than_five_students_shows_no_figure(students: int) -> None:
    assert Cell.of(("weak", "message"), students, {"outbound": 40}) == Cell(("weak", "message"), None, None)


def test_a_cell_of_five_students_shows_its_figures() -> None:
    assert Cell.of(("w",), MIN_STUDENTS, {"outbound": 40}).values == {"outbound": 40}


def test_streaks_are_spread_over_buckets_each_shown_only_from_five_students() -> None:
    assert [bucket_of(n) for n in (0, 1, 2, 3, 6, 7, 13, 14, 29, 30, 365)] == [
        "0", "1-2", "1-2", "3-6", "3-6", "7-13", "7-13", "14-29", "14-29", "30+", "30+",
    ]  # fmt: skip
    cells = {cell.labels[0]: cell.students for cell in streak_distribution([0] * 5 + [3] * 4 + [40] * 6)}
    assert cells == {"0": 5, "1-2": None, "3-6": None, "7-13": None, "14-29": None, "30+": 6}
