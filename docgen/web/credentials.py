"""The API's HTTP Basic credentials, verified with Argon2 once and then recognised for a few minutes.

Every API call names its user with login and password, and Argon2 is slow on purpose: 40-50 ms of CPU
a verification here, more than a whole read costs. A program calling the API many times a minute
would spend most of the server's time re-proving the same password. So a credential that verified is
remembered, in this worker process only, for :data:`TTL` seconds:

- what is kept is an HMAC-SHA256 of login and password under a key made at random when the process
  starts and never written anywhere: not the password, and nothing that can be tested against
  guesses without that process's memory (whoever can read it holds the session key and the
  database connection anyway);
- beside it, the user's Argon2 hash as it was when the password verified. Each call still reads the
  user afresh (one indexed read): an account since disabled or deleted, or whose password has been
  changed (another hash), is not recognised, and the call goes through the full check and its usual
  answer (401). A role changed is the role read now;
- only successes are remembered: a wrong password costs Argon2 every time, and the API's limit on
  401 answers per address still stops guessing;
- entries expire after :data:`TTL` seconds and at most :data:`SIZE` are kept (the oldest go first),
  so a password that leaks from a client is not honoured longer than the server itself would
  honour it, and memory stays bounded.

A recognised call answers sooner than a full check; the difference tells a caller only that the
login and password it sent were right, which it knew.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from docgen.errors import DocgenError

if TYPE_CHECKING:
    from docgen.domain.users import User
    from docgen.services.users import UserService

__all__ = ["SIZE", "TTL", "VerifiedCredentials"]

#: Seconds a verified login and password are recognised without Argon2.
TTL = 300.0
#: Credentials remembered at most, per worker process.
SIZE = 1024


class VerifiedCredentials:
    """:meth:`UserService.authenticate`, with the successes of the last :data:`TTL` seconds recognised
    by an HMAC instead of Argon2 (see the module for why this is safe)."""

    def __init__(
        self,
        users: UserService,
        *,
        ttl: float = TTL,
        size: int = SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.users = users
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def authenticate(self, login: str, password: str) -> User:
        """The user these credentials name, or the error :meth:`UserService.authenticate` raises."""
        key = hmac.new(self._key, f"{login}\0{password}".encode(), hashlib.sha256).digest()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            password_hash, until = entry
            if self.clock() < until:
                try:
                    user = self.users.acting_as(login)  # exists and is enabled, read now
                except DocgenError:
                    user = None
                if user is not None and hmac.compare_digest(user.password_hash, password_hash):
                    return user
            with self._lock:
                self._entries.pop(key, None)
        user = self.users.authenticate(login, password)  # Argon2; raises on anything wrong
        if self.ttl > 0:
            with self._lock:
                self._entries[key] = (user.password_hash, self.clock() + self.ttl)
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return user

    def __len__(self) -> int:
        return len(self._entries)
