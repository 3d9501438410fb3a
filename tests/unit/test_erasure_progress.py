"""The notifier's erasure progress: confirmed once both the contacts request and the habits
service's word have come; an id erased again later starts over."""

from datetime import UTC, datetime, timedelta

from services.notifier.domain.erasure import Progress

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_erasure_is_confirmed_once_both_have_spoken_and_only_once() -> None:
    progress, confirmed = Progress("sam").heard("habits", at=T0, now=T0)
    assert not confirmed
    progress, confirmed = progress.heard("contacts", at=T0, now=T0 + timedelta(seconds=1))
    assert confirmed
    assert progress.confirmed_at == T0 + timedelta(seconds=1)
    progress, confirmed = progress.heard(
        "habits", at=T0 + timedelta(seconds=2), now=T0 + timedelta(seconds=2)
    )
    assert not confirmed


def test_an_id_erased_again_starts_over_and_an_older_word_from_habits_does_not_count() -> None:
    done = Progress("sam", contacts_at=T0, habits_at=T0, confirmed_at=T0)
    again, confirmed = done.heard("contacts", at=T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    assert not confirmed
    assert (again.habits_at, again.confirmed_at) == (None, None)
    later = T0 + timedelta(days=1, seconds=5)
    again, confirmed = again.heard("habits", at=later, now=later)
    assert confirmed
    assert again.confirmed_at == later
