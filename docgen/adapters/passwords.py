"""Password hashes with Argon2id (argon2-cffi), the algorithm the OWASP guidance prefers."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from docgen.services.ports import PasswordHasher

__all__ = ["Argon2Hasher"]


class Argon2Hasher(PasswordHasher):
    """Argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile), or the ``hasher`` given
    (cheaper parameters in tests). A hash carries its own parameters and salt, so hashes made with
    other parameters still verify."""

    def __init__(self, hasher: argon2.PasswordHasher | None = None) -> None:
        self._hasher = hasher or argon2.PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches; ``False`` for a wrong password or an unreadable hash."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than this hasher's (rehash at login)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True
