"""The web front end's signed-in sessions in the ``web_sessions`` table (see
:class:`~docgen.services.ports.WebSessions`), on the unit of work's connection."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, insert, select, update

from docgen.adapters.db.tables import web_sessions
from docgen.services.ports import WebSession, WebSessions

if TYPE_CHECKING:
    from docgen.adapters.db.uow import SqlUnitOfWork

__all__ = ["SqlWebSessions"]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite keeps no offset: every moment is stored, and read back, in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


class SqlWebSessions(WebSessions):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def add(self, session: WebSession) -> None:
        self._unit.execute(
            insert(web_sessions).values(
                id_hash=session.id_hash,
                login=session.login,
                role=session.role,
                password_stamp=session.password_stamp,
                created_at=_utc(session.created_at),
                expires_at=_utc(session.expires_at),
                revoked_at=None if session.revoked_at is None else _utc(session.revoked_at),
            )
        )

    def get(self, id_hash: str) -> WebSession | None:
        found = self._unit.execute(select(web_sessions).where(web_sessions.c.id_hash == id_hash)).first()
        return None if found is None else _session(found)

    def revoke(self, id_hash: str, at: dt.datetime) -> None:
        self._unit.execute(
            update(web_sessions)
            .where(web_sessions.c.id_hash == id_hash, web_sessions.c.revoked_at.is_(None))
            .values(revoked_at=_utc(at))
        )

    def revoke_all(self, login: str, at: dt.datetime) -> int:
        changed = self._unit.execute(
            update(web_sessions)
            .where(web_sessions.c.login == login, web_sessions.c.revoked_at.is_(None))
            .values(revoked_at=_utc(at))
        )
        return int(changed.rowcount)


def _session(found: Row[Any]) -> WebSession:
    return WebSession(
        id_hash=found.id_hash,
        login=found.login,
        role=found.role,
        password_stamp=found.password_stamp,
        created_at=_utc(found.created_at),
        expires_at=_utc(found.expires_at),
        revoked_at=None if found.revoked_at is None else _utc(found.revoked_at),
    )
