"""Secrets sealed at rest: a value (a channel URL with its password or token) is stored encrypted
with Fernet (AES-128-CBC with HMAC-SHA256: authenticated, from the ``cryptography`` library) under
the newest of the configured keys, and opened with any of them.

**Rotating the key.** Put a new key first in the list and keep the old ones after it; every value
stays readable. The service reseals what an older key sealed (``reseal``); once it reports none
left, drop the old keys. A value stored before sealing existed is read as it is and sealed by the
same reseal. Keys come from ``cryptography.fernet.Fernet.generate_key()``.
"""

import base64
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "sealed:v1:"


class SealBroken(ValueError):
    """A sealed value that none of the configured keys opens: a key was dropped too early."""


class Sealer:
    def __init__(self, keys: Sequence[str | bytes]) -> None:
        if not keys:
            raise ValueError("at least one key")
        self._keys = [Fernet(key) for key in keys]
        self._all = MultiFernet(self._keys)

    def seal(self, plain: str) -> str:
        return PREFIX + self._all.encrypt(plain.encode()).decode()

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # stored before sealing: resealed by the next reseal
        try:
            return self._all.decrypt(stored.removeprefix(PREFIX).encode()).decode()
        except InvalidToken as error:
            raise SealBroken("a sealed value opens with none of the configured keys") from error

    def is_current(self, stored: str) -> bool:
        """Sealed under the newest key."""
        if not stored.startswith(PREFIX):
            return False
        try:
            self._keys[0].decrypt(stored.removeprefix(PREFIX).encode())
        except InvalidToken:
            return False
        return True

    def reseal(self, stored: str) -> str:
        """The same value sealed under the newest key."""
        return self.seal(self.open(stored))


def development_key(secret: str) -> bytes:
    """A stable key outside production, so a local run needs no setting."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"keepwarm sealed\0" + secret.encode()).digest())
