"""Requests and documents in the database, mapped to and from the domain.

Superseded by :mod:`docgen.adapters.db.uow`; kept until the services have moved onto it.

The request row keeps the current state for queries (overdue, by number);
the history rows are the record: :func:`load` replays them through the
workflow (:meth:`Request.restore`), so a row edited behind the
application's back is caught.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Connection, insert, select, update

from docgen.adapters.db.tables import documents, history, registry, requests
from docgen.domain.catalog import Catalog
from docgen.domain.history import HistoryEntry
from docgen.domain.request import Request

__all__ = [
    "active_document",
    "add",
    "add_document",
    "document_rows",
    "duplicates_of",
    "entries",
    "load",
    "record",
    "row",
]


def add(connection: Connection, request: Request, provider: str, data: dict[str, Any]) -> None:
    connection.execute(
        insert(requests).values(
            id=request.id,
            service=request.service,
            provider=provider,
            action=request.action,
            channel=request.channel,
            state=request.state,
            data=data,
            created_at=request.opened_at,
            holder=_holder(data),
            filed_by=request.history[0].actor.login,
        )
    )
    _append(connection, request.history)


def _holder(data: dict[str, Any]) -> str:
    applicant = data.get("applicant") or {}
    return str(applicant.get("bin") or applicant.get("iin") or "")


def _append(connection: Connection, new: tuple[HistoryEntry, ...] | list[HistoryEntry]) -> None:
    for entry in new:
        connection.execute(
            insert(history).values(
                request_id=entry.request_id,
                seq=entry.seq,
                entry=entry.to_dict(),
                previous_hash=entry.previous_hash,
                hash=entry.hash,
            )
        )


def row(connection: Connection, request_id: str, lock: bool = False) -> Any:
    query = select(requests).where(requests.c.id == request_id)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return connection.execute(query).first()


def entries(connection: Connection, request_id: str) -> list[HistoryEntry]:
    rows = connection.execute(
        select(history.c.entry).where(history.c.request_id == request_id).order_by(history.c.seq)
    ).scalars()
    return [HistoryEntry.from_dict(item) for item in rows]


def load(
    connection: Connection, catalog: Catalog, request_id: str, lock: bool = False
) -> tuple[Request, Any]:
    found = row(connection, request_id, lock=lock)
    if found is None:
        raise KeyError(request_id)
    request = Request.restore(
        catalog.get(found.service), entries(connection, request_id), applicant=found.data["applicant"]
    )
    return request, found


def record(connection: Connection, request: Request, stored_seq: int, **columns: Any) -> None:
    """Append the entries made since ``stored_seq`` and update the request row."""
    _append(connection, [entry for entry in request.history if entry.seq > stored_seq])
    outcome = request.outcome.to_dict() if request.outcome else None
    connection.execute(
        update(requests)
        .where(requests.c.id == request.id)
        .values(state=request.state, number=request.number, outcome=outcome, **columns)
    )


def add_document(
    connection: Connection,
    *,
    request_id: str,
    kind: str,
    number: str,
    data: dict[str, Any],
    pdf: bytes,
    sha256: str,
    at: dt.datetime,
    replaces: str | None = None,
    duplicate: bool = False,
    version: int = 1,
) -> str:
    document_id = str(uuid.uuid4())
    connection.execute(
        insert(documents).values(
            id=document_id,
            request_id=request_id,
            kind=kind,
            number=number,
            version=version,
            replaces=replaces,
            duplicate=int(duplicate),
            data=data,
            sha256=sha256,
            pdf=pdf,
            created_at=at,
        )
    )
    connection.execute(insert(registry).values(document_id=document_id, status="active", changed_at=at))
    if replaces:
        connection.execute(
            update(registry)
            .where(registry.c.document_id == replaces)
            .values(status="replaced", changed_at=at)
        )
    return document_id


def active_document(connection: Connection, kind: str, number: str) -> Any:
    """The active (not replaced, suspended or terminated) document of ``kind`` with ``number``."""
    return connection.execute(
        select(documents, registry.c.status)
        .join(registry, registry.c.document_id == documents.c.id)
        .where(documents.c.kind == kind, documents.c.number == number, registry.c.status == "active")
    ).first()


def duplicates_of(connection: Connection, number: str) -> int:
    """How many duplicates of the document ``number`` were issued."""
    return len(
        connection.execute(
            select(documents.c.id).where(documents.c.duplicate == 1, documents.c.number.like(f"{number}-D%"))
        ).all()
    )


def document_rows(connection: Connection, request_id: str) -> list[Any]:
    return list(
        connection.execute(
            select(documents, registry.c.status)
            .join(registry, registry.c.document_id == documents.c.id)
            .where(documents.c.request_id == request_id)
            .order_by(documents.c.created_at)
        )
    )
