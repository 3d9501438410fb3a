"""The tracker's rules, without any infrastructure."""

from datetime import UTC, datetime, timedelta

import pytest

from services.contacts.domain import ties
from services.contacts.domain.model import Contact, FollowUp, Interaction
from shared.errors import DomainError, InvalidTransition
from shared.vocabulary import Category, Direction, FollowUpStatus, GiveFirstKind, InteractionKind, Tie, Warmth

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def contact(**fields: object) -> Contact:
    defaults: dict[str, object] = {
        "id": "c1",
        "owner_id": "o1",
        "name": "Ada Lovelace",
        "category": Category.MENTOR,
        "tie": Tie.STRONG,
        "warmth": Warmth.WARM,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Contact(**{**defaults, **fields})  # type: ignore[arg-type]


def test_cadence_defaults_by_tie_and_can_be_overridden() -> None:
    assert [contact(tie=tie).cadence_days for tie in Tie] == [21, 60, 180]
    assert contact(tie=Tie.WEAK, cadence_override_days=14).cadence_days == 14
    with pytest.raises(DomainError, match="between 1 and 730"):
        contact(cadence_override_days=0)


def test_a_contact_goes_cold_one_cadence_after_the_last_touch() -> None:
    ada = contact(tie=Tie.STRONG)
    assert not ada.going_cold(NOW + timedelta(days=20))
    assert ada.going_cold(NOW + timedelta(days=21))
    ada.last_interaction_at = NOW + timedelta(days=10)
    assert not ada.going_cold(NOW + timedelta(days=30))


@pytest.mark.parametrize(
    ("tie", "silent_days", "expected"),
    [
        (Tie.STRONG, 89, Tie.STRONG),
        (Tie.STRONG, 90, Tie.WEAK),
        (Tie.STRONG, 180, Tie.DORMANT),
        (Tie.WEAK, 179, Tie.WEAK),
        (Tie.WEAK, 180, Tie.DORMANT),
        (Tie.DORMANT, 1000, Tie.DORMANT),
    ],
)
def test_silence_drifts_a_tie_toward_dormant(tie: Tie, silent_days: int, expected: Tie) -> None:
    assert ties.drifted_tie(tie, last_touch=NOW, now=NOW + timedelta(days=silent_days)) is expected


def test_drift_reports_the_previous_tie_and_bumps_the_version_once() -> None:
    ada = contact(tie=Tie.STRONG)
    assert ada.drift(now=NOW + timedelta(days=95)) is Tie.STRONG
    assert (ada.tie, ada.version) == (Tie.WEAK, 2)
    assert ada.drift(now=NOW + timedelta(days=96)) is None
    assert ada.version == 2
    assert ties.next_drift_at(Tie.WEAK, last_touch=NOW) == NOW + timedelta(days=180)
    assert ties.next_drift_at(Tie.DORMANT, last_touch=NOW) is None


def test_a_recent_interaction_revives_a_dormant_tie_but_an_old_one_does_not() -> None:
    grace = contact(tie=Tie.DORMANT)
    old = NOW - timedelta(days=200)
    assert grace.interactions_changed(latest_at=old, touched_at=old, now=NOW) is None
    assert grace.tie is Tie.DORMANT
    assert grace.interactions_changed(latest_at=NOW, touched_at=NOW, now=NOW) is Tie.DORMANT
    assert grace.tie.value == "weak"


def test_edits_name_what_changed_and_are_all_or_nothing() -> None:
    ada = contact(tags=("Math", " math ", "Engines"))
    assert ada.tags == ("engines", "math")
    assert ada.edit({"company": "Analytical Engines", "tie": Tie.STRONG}, now=NOW) == ("company",)
    assert ada.version == 2
    with pytest.raises(DomainError, match="not an email"):
        ada.edit({"role": "Engineer", "emails": ("nope",)}, now=NOW)
    assert (ada.role, ada.version) == (None, 2)
    with pytest.raises(DomainError, match="cannot edit"):
        ada.edit({"owner_id": "someone else"}, now=NOW)


def test_linkedin_profiles_are_normalised_and_other_urls_refused() -> None:
    ada = contact(linkedin_url="http://LinkedIn.com/in/Ada-Lovelace/?trk=abc")
    assert ada.linkedin_url == "https://www.linkedin.com/in/ada-lovelace"
    with pytest.raises(DomainError) as refused:
        contact(linkedin_url="https://example.com/in/ada")
    assert refused.value.field == "linkedin_url"


def test_an_archived_contact_takes_no_more_changes() -> None:
    ada = contact()
    ada.archive(now=NOW)
    with pytest.raises(InvalidTransition):
        ada.edit({"notes": "x"}, now=NOW)
    assert ada.drift(now=NOW + timedelta(days=400)) is None


def interaction(**fields: object) -> Interaction:
    defaults: dict[str, object] = {
        "id": "i1",
        "owner_id": "o1",
        "contact_id": "c1",
        "kind": InteractionKind.MESSAGE,
        "direction": Direction.OUTBOUND,
        "occurred_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Interaction(**{**defaults, **fields})  # type: ignore[arg-type]


def test_a_give_first_act_says_what_was_given_and_nothing_happens_in_the_future() -> None:
    assert interaction(kind=InteractionKind.GIVE_FIRST, give_first_kind=GiveFirstKind.ARTICLE).give_first_kind
    with pytest.raises(DomainError, match="says what was given"):
        interaction(kind=InteractionKind.GIVE_FIRST)
    with pytest.raises(DomainError, match="only a give-first act"):
        interaction(give_first_kind=GiveFirstKind.ARTICLE)
    with pytest.raises(DomainError, match="future"):
        interaction(occurred_at=NOW + timedelta(hours=1))
    assert interaction(occurred_at=NOW + timedelta(minutes=4)).occurred_at  # small clock skew is fine


def test_a_follow_up_is_open_until_done_or_cancelled() -> None:
    follow_up = FollowUp(
        id="f1",
        owner_id="o1",
        contact_id="c1",
        title=" Send thanks ",
        due_at=NOW,
        created_at=NOW,
        updated_at=NOW,
        proposed_times=(NOW + timedelta(days=2), NOW + timedelta(days=1)),
    )
    assert follow_up.title == "Send thanks"
    assert follow_up.proposed_times == (NOW + timedelta(days=1), NOW + timedelta(days=2))
    follow_up.reschedule(due_at=NOW + timedelta(days=3), proposed_times=None, now=NOW)
    assert (follow_up.due_at, follow_up.version, len(follow_up.proposed_times)) == (
        NOW + timedelta(days=3),
        2,
        2,
    )
    follow_up.complete(now=NOW)
    assert follow_up.status is FollowUpStatus.DONE
    for change in (follow_up.cancel, follow_up.complete):
        with pytest.raises(InvalidTransition, match="is done"):
            change(now=NOW)
