"""Action links do one thing for one owner until they expire: any change to a signed link, a
link signed with another key, or an expired one is refused, and production without a link secret
makes none."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from shared.auth import AuthSettings
from shared.links import ActionLink, ExpiredLink, InvalidLink, link_key, sign, verify

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
KEY = b"k" * 32
LINK = ActionLink("notifier", "snooze_prompt", "ana", "contact-1", NOW + timedelta(days=14))


def test_a_signed_link_reads_back_as_it_was_made() -> None:
    assert verify(sign(LINK, KEY), KEY, now=NOW) == LINK


@pytest.mark.parametrize("position", [0, 5, 20, -5, -1])
def test_a_link_changed_anywhere_is_refused(position: int) -> None:
    token = sign(LINK, KEY)
    at = position % len(token)
    changed = token[:at] + ("B" if token[at] == "A" else "A") + token[at + 1 :]
    with pytest.raises(InvalidLink):
        verify(changed, KEY, now=NOW)


def test_a_link_for_another_owner_cannot_be_made_from_one_for_this_owner() -> None:
    token = sign(LINK, KEY)
    forged = sign(ActionLink("notifier", "snooze_prompt", "eve", "contact-1", LINK.expires_at), b"x" * 32)
    body_of_forged, signature_of_original = forged.split(".")[0], token.split(".")[1]
    with pytest.raises(InvalidLink):
        verify(f"{body_of_forged}.{signature_of_original}", KEY, now=NOW)
    with pytest.raises(InvalidLink):
        verify(forged, KEY, now=NOW)


@pytest.mark.parametrize("token", ["", ".", "abc", "abc.def", "!!!.???", "e30.e30"])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(InvalidLink):
        verify(token, KEY, now=NOW)


def test_an_expired_link_says_so() -> None:
    with pytest.raises(ExpiredLink):
        verify(sign(LINK, KEY), KEY, now=LINK.expires_at)


def test_production_signs_links_only_with_its_own_secret() -> None:
    assert link_key(AuthSettings(), environment="production") is None
    assert link_key(AuthSettings(link_secret=SecretStr("s" * 40)), environment="production") == b"s" * 40
    development = link_key(AuthSettings(), environment="development")
    assert development is not None
    assert len(development) == 32
