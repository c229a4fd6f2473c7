"""Signed-in sessions a front end can revoke: open at sign-in, checked on every request.

The front end keeps only a random id (in its cookie); the database keeps that id's SHA-256, the
login, and the account as it was at sign-in (its role and a stamp of its password hash). A session
holds while it is not revoked nor expired and the account is still enabled, with the same role and
the same password: disabling an account, changing its role or its password ends its sessions
without anyone having to remember to revoke them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from docgen.domain.ports import Clock
from docgen.domain.users import User
from docgen.errors import UnknownUser
from docgen.services.ports import UnitOfWorkFactory, WebSession

__all__ = ["DEFAULT_LIFETIME", "SessionService", "session_hash"]

#: How long a session holds after signing in (a working day and some).
DEFAULT_LIFETIME = dt.timedelta(hours=12)


def session_hash(token: str) -> str:
    """What is stored of the cookie's random id."""
    return hashlib.sha256(token.encode()).hexdigest()


def _stamp(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()


@dataclass
class SessionService:
    uow: UnitOfWorkFactory
    clock: Clock
    lifetime: dt.timedelta = DEFAULT_LIFETIME

    def open(self, user: User) -> str:
        """A new session for ``user`` (already authenticated); the random id to give the browser."""
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        with self.uow() as uow:
            uow.web_sessions.add(
                WebSession(
                    id_hash=session_hash(token),
                    login=user.login,
                    role=user.role,
                    password_stamp=_stamp(user),
                    created_at=now,
                    expires_at=now + self.lifetime,
                )
            )
            uow.commit()
        return token

    def check(self, token: str) -> User | None:
        """The session's user, when the session still holds; else ``None``."""
        if not token or len(token) > 200:
            return None
        with self.uow(write=False) as uow:
            found = uow.web_sessions.get(session_hash(token))
            if found is None:
                return None
            user = uow.users.get(found.login)
        if found.revoked_at is not None or self.clock.now() >= found.expires_at:
            return None
        if user is None or not user.enabled or user.role != found.role:
            return None
        if not hmac.compare_digest(_stamp(user), found.password_stamp):
            return None
        return user

    def revoke(self, token: str) -> None:
        """Sign out: the session no longer holds, whoever replays its cookie."""
        if not token or len(token) > 200:
            return
        with self.uow() as uow:
            uow.web_sessions.revoke(session_hash(token), self.clock.now())
            uow.commit()

    def revoke_all_for(self, login: str) -> int:
        """End every session of ``login`` (a stolen device, a leaving employee); how many ended.
        An unknown login is refused (:class:`UnknownUser`) rather than reported as "0 ended", so a
        mistyped login is not taken for a done job."""
        with self.uow() as uow:
            if uow.users.get(login) is None:
                raise UnknownUser(login=login)
            count = uow.web_sessions.revoke_all(login, self.clock.now())
            uow.commit()
        return count
