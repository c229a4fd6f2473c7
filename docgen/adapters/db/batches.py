"""Batches and their lines in ``batches`` / ``batch_lines`` (see :class:`~docgen.services.ports.Batches`),
on the unit of work's connection.

A claim is one conditional ``UPDATE``: the row changes only if it is pending, or running under a claim
older than the lease; the row lock (PostgreSQL) or the write lock (SQLite) makes exactly one of two
racing workers see its update count as 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, and_, func, insert, or_, select, update

from docgen.adapters.db.tables import batch_lines, batches
from docgen.services.ports import Batches, BatchLine, BatchRecord

if TYPE_CHECKING:
    from docgen.adapters.db.uow import SqlUnitOfWork

__all__ = ["SqlBatches"]

_SETTABLE = frozenset({"status", "number", "request_id", "result", "failure", "finished_at"})


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite keeps no offset: every moment is stored, and read back, in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


class SqlBatches(Batches):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def add(self, batch: BatchRecord, lines: list[BatchLine]) -> None:
        self._unit.execute(
            insert(batches).values(
                id=batch.id,
                kind=batch.kind,
                params=batch.params,
                created_by=batch.created_by,
                created_at=_utc(batch.created_at),
                total=batch.total,
            )
        )
        rows = [
            {
                "batch_id": batch.id,
                "line": item.line,
                "payload": item.payload,
                "number": item.number,
                "status": item.status,
                "attempts": 0,
                "failure": item.failure,
                "finished_at": _utc(item.finished_at),
            }
            for item in lines
        ]
        for start in range(0, len(rows), 500):
            self._unit.connection.execute(insert(batch_lines), rows[start : start + 500])

    def get(self, batch_id: str) -> BatchRecord | None:
        found = self._unit.execute(select(batches).where(batches.c.id == batch_id)).first()
        return None if found is None else _batch(found)

    def all(self) -> list[BatchRecord]:
        found = self._unit.execute(select(batches).order_by(batches.c.created_at.desc(), batches.c.id))
        return [_batch(row) for row in found]

    def line(self, batch_id: str, line: int) -> BatchLine | None:
        found = self._unit.execute(
            select(batch_lines).where(batch_lines.c.batch_id == batch_id, batch_lines.c.line == line)
        ).first()
        return None if found is None else _line(found)

    def lines(self, batch_id: str, statuses: Collection[str] = ()) -> list[BatchLine]:
        query = select(batch_lines).where(batch_lines.c.batch_id == batch_id)
        if statuses:
            query = query.where(batch_lines.c.status.in_(list(statuses)))
        return [_line(row) for row in self._unit.execute(query.order_by(batch_lines.c.line))]

    def counts(self, batch_id: str) -> dict[str, int]:
        found = self._unit.execute(
            select(batch_lines.c.status, func.count().label("n"))
            .where(batch_lines.c.batch_id == batch_id)
            .group_by(batch_lines.c.status)
        )
        return {str(row.status): int(row.n) for row in found}

    def claim(
        self, batch_id: str, line: int, worker: str, at: dt.datetime, stale_before: dt.datetime
    ) -> bool:
        changed = self._unit.execute(
            update(batch_lines)
            .where(
                batch_lines.c.batch_id == batch_id,
                batch_lines.c.line == line,
                or_(
                    batch_lines.c.status == "pending",
                    and_(batch_lines.c.status == "running", batch_lines.c.claimed_at < _utc(stale_before)),
                    # the same worker asking again (its task retried after recording failed)
                    and_(batch_lines.c.status == "running", batch_lines.c.worker == worker),
                ),
            )
            .values(status="running", worker=worker, claimed_at=_utc(at), attempts=batch_lines.c.attempts + 1)
        )
        return changed.rowcount == 1

    def update(self, batch_id: str, line: int, worker: str, **columns: Any) -> bool:
        unknown = set(columns) - _SETTABLE
        if unknown:
            raise ValueError(f"batch line columns not settable: {sorted(unknown)}")
        if "finished_at" in columns:
            columns["finished_at"] = _utc(columns["finished_at"])
        changed = self._unit.execute(
            update(batch_lines)
            .where(
                batch_lines.c.batch_id == batch_id,
                batch_lines.c.line == line,
                batch_lines.c.status == "running",
                batch_lines.c.worker == worker,
            )
            .values(**columns)
        )
        return changed.rowcount == 1

    def requeue(self, batch_id: str, statuses: Collection[str], stale_before: dt.datetime) -> list[int]:
        which = and_(
            batch_lines.c.batch_id == batch_id,
            or_(
                batch_lines.c.status.in_(list(statuses)),
                and_(batch_lines.c.status == "running", batch_lines.c.claimed_at < _utc(stale_before)),
            ),
        )
        found = [int(n) for n in self._unit.execute(select(batch_lines.c.line).where(which)).scalars()]
        self._unit.execute(
            update(batch_lines)
            .where(which)
            .values(status="pending", worker=None, claimed_at=None, failure=None)
        )
        return sorted(found)


def _batch(found: Row[Any]) -> BatchRecord:
    return BatchRecord(
        id=found.id,
        kind=found.kind,
        params=dict(found.params),
        created_by=found.created_by,
        created_at=_utc(found.created_at) or found.created_at,
        total=int(found.total),
    )


def _line(found: Row[Any]) -> BatchLine:
    return BatchLine(
        batch_id=found.batch_id,
        line=int(found.line),
        payload=bytes(found.payload),
        status=found.status,
        number=found.number,
        worker=found.worker,
        claimed_at=_utc(found.claimed_at),
        attempts=int(found.attempts),
        request_id=found.request_id,
        result=found.result,
        failure=found.failure,
        finished_at=_utc(found.finished_at),
    )
