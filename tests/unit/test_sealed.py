"""Sealing secrets: what is sealed opens only with a configured key, any change to it is refused,
a rotation keeps everything readable, and values stored before sealing are read and resealed."""

import pytest
from cryptography.fernet import Fernet

from shared.sealed import PREFIX, SealBroken, Sealer

OLD, NEW = Fernet.generate_key(), Fernet.generate_key()


def test_a_sealed_value_hides_the_secret_and_opens_again() -> None:
    sealed = Sealer([OLD]).seal("mailto://kw:hunter2@smtp.example.org")
    assert sealed.startswith(PREFIX)
    assert "hunter2" not in sealed
    assert Sealer([OLD]).open(sealed) == "mailto://kw:hunter2@smtp.example.org"
    assert Sealer([OLD]).seal("same") != Sealer([OLD]).seal("same")  # a fresh IV each time


def test_a_changed_seal_or_a_missing_key_is_refused() -> None:
    sealed = Sealer([OLD]).seal("ntfy://ntfy.sh/secret")
    changed = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]
    with pytest.raises(SealBroken):
        Sealer([OLD]).open(changed)
    with pytest.raises(SealBroken):
        Sealer([NEW]).open(sealed)


def test_a_rotation_keeps_old_seals_readable_and_reseals_them_under_the_new_key() -> None:
    sealed = Sealer([OLD]).seal("ntfy://ntfy.sh/secret")
    rotated = Sealer([NEW, OLD])
    assert rotated.open(sealed) == "ntfy://ntfy.sh/secret"
    assert not rotated.is_current(sealed)
    resealed = rotated.reseal(sealed)
    assert rotated.is_current(resealed)
    assert Sealer([NEW]).open(resealed) == "ntfy://ntfy.sh/secret"


def test_a_value_stored_before_sealing_is_read_and_then_sealed() -> None:
    sealer = Sealer([NEW])
    assert sealer.open("ntfy://ntfy.sh/legacy") == "ntfy://ntfy.sh/legacy"
    assert not sealer.is_current("ntfy://ntfy.sh/legacy")
    assert sealer.open(sealer.reseal("ntfy://ntfy.sh/legacy")) == "ntfy://ntfy.sh/legacy"
