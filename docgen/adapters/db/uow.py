"""The services' unit of work over SQLAlchemy Core, on SQLite and PostgreSQL.

One :class:`SqlUnitOfWork` is one connection and one transaction; its
repositories (:class:`SqlRequests`, :class:`SqlDocuments`, :class:`SqlUsers`,
:class:`SqlCounters`) all work on it, and map rows to the records of
:mod:`docgen.services.ports` and the domain's objects. A writing unit takes
the write lock at its start on SQLite (``BEGIN IMMEDIATE``); a reading unit
(``factory(write=False)``) takes none there and is ``READ ONLY`` on
PostgreSQL (see :mod:`docgen.adapters.db.engine`).

Numbers are gapless: :meth:`SqlCounters.next_value` increments the series'
row with ``UPDATE ... RETURNING`` inside the unit's transaction, so the row
lock (or SQLite's write lock) serialises writers, and a unit left without a
commit gives its number back. No ``MAX()+1``.

A database not yet migrated answers the first query with
:class:`~docgen.errors.DatabaseNotReady` (``docgen db upgrade``), not a
driver's traceback.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable
from types import TracebackType
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Engine,
    Executable,
    Row,
    and_,
    func,
    insert,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from docgen.adapters.db.batches import SqlBatches
from docgen.adapters.db.engine import reader_options
from docgen.adapters.db.sessions import SqlWebSessions
from docgen.adapters.db.surveys import SqlSurveys
from docgen.adapters.db.tables import (
    counters,
    document_files,
    documents,
    history,
    notifications,
    receipts,
    registry,
    requests,
    users,
)
from docgen.domain.history import HistoryEntry
from docgen.domain.request import Request
from docgen.domain.users import User
from docgen.domain.workflow import STATES
from docgen.errors import DatabaseNotReady, RequestNotFound, UnknownUser, UserExists
from docgen.services.ports import (
    Counters,
    DocumentRecord,
    Documents,
    NewDocument,
    Notification,
    Notifications,
    Receipts,
    RequestRecord,
    Requests,
    UnitOfWork,
    UnitOfWorkFactory,
    Users,
)

__all__ = [
    "SqlCounters",
    "SqlDocuments",
    "SqlNotifications",
    "SqlReceipts",
    "SqlRequests",
    "SqlUnitOfWork",
    "SqlUsers",
    "sql_unit_of_work",
]

#: States in which nothing more happens to a request.
FINAL_STATES = tuple(code for code, state in STATES.items() if state.final)
#: The request columns :meth:`SqlRequests.save` may set besides state, number and outcome.
SAVED_COLUMNS = frozenset({"registered_on", "due_on", "signature_check", "data", "head", "head_seal"})
_JSON_COLUMNS = frozenset({"data", "outcome", "signature_check"})
#: PostgreSQL's undefined_table and undefined_column.
_UNDEFINED = frozenset({"42P01", "42703"})
_SQLITE_UNDEFINED = ("no such table", "no such column", "has no column named")


def sql_unit_of_work(engine: Engine) -> UnitOfWorkFactory:
    """``factory()`` opens a writing unit of work on ``engine``; ``factory(write=False)`` a reading one."""

    def factory(*, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, write=write)

    return factory


class SqlUnitOfWork(UnitOfWork):
    """One connection, one transaction (begun here), every repository on it."""

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self.writing = write
        connection = engine.connect()
        try:
            if not write:
                connection.execution_options(**reader_options(engine.dialect.name))
            connection.begin()
        except BaseException:
            connection.close()
            raise
        self._connection: Connection | None = connection
        self.requests = SqlRequests(self)
        self.documents = SqlDocuments(self)
        self.users = SqlUsers(self)
        self.counters = SqlCounters(self)
        self.receipts = SqlReceipts(self)
        self.notifications = SqlNotifications(self)
        self.web_sessions = SqlWebSessions(self)
        self.surveys = SqlSurveys(self)
        self.batches = SqlBatches(self)

    @property
    def connection(self) -> Connection:
        """The unit's connection, for adapters that must share its transaction."""
        if self._connection is None:
            raise RuntimeError("this unit of work is closed")
        return self._connection

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def execute(self, statement: Executable) -> CursorResult[Any]:
        """Run ``statement`` in the unit's transaction; a missing table or column means the
        database has not been migrated."""
        try:
            return self.connection.execute(statement)
        except DBAPIError as error:
            if _schema_missing(error):
                raise DatabaseNotReady(detail=str(error.orig).strip().splitlines()[0]) from error
            raise

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        """Give back whatever was not committed; nothing to do after :meth:`commit`."""
        if self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self.rollback()
        finally:
            self._connection.close()
            self._connection = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self.close()  # returned to the pool even if the rollback itself failed


def _schema_missing(error: DBAPIError) -> bool:
    if getattr(error.orig, "sqlstate", None) in _UNDEFINED:
        return True
    message = str(error.orig)
    return any(text in message for text in _SQLITE_UNDEFINED)


# -- conversions ------------------------------------------------------------------------------


def _to_utc(moment: dt.datetime) -> dt.datetime:
    """For storing: SQLite keeps no offset, so every moment is stored in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _from_db(moment: dt.datetime) -> dt.datetime:
    """Read back: SQLite gives naive UTC, PostgreSQL an aware moment in the session's zone."""
    return _to_utc(moment)


def _json(value: Any) -> Any:
    """SQL NULL for ``None`` (not the JSON ``null``), the value otherwise."""
    return null() if value is None else value


# -- requests ---------------------------------------------------------------------------------


class SqlRequests(Requests):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def add(self, request: Request, record: RequestRecord) -> None:
        mismatched = [
            name
            for name in ("id", "service", "action", "channel", "state")
            if getattr(record, name) != getattr(request, name)
        ]
        if mismatched:
            raise ValueError(f"the record and the request differ in {', '.join(mismatched)}")
        self._unit.execute(
            insert(requests).values(
                id=record.id,
                service=record.service,
                provider=record.provider,
                action=record.action,
                channel=record.channel,
                state=record.state,
                number=record.number,
                registered_on=record.registered_on,
                due_on=record.due_on,
                outcome=_json(record.outcome),
                data=record.data,
                signature_check=_json(record.signature_check),
                created_at=_to_utc(record.created_at),
                holder=record.holder,
                filed_by=record.filed_by,
                centre=record.centre,
                head=record.head,
                head_seal=record.head_seal,
            )
        )
        self._append(request.history)

    def _append(self, entries: Iterable[HistoryEntry]) -> None:
        rows = [
            {
                "request_id": entry.request_id,
                "seq": entry.seq,
                "entry": entry.to_dict(),
                "previous_hash": entry.previous_hash,
                "hash": entry.hash,
            }
            for entry in entries
        ]
        if rows:
            self._unit.execute(insert(history).values(rows))

    def get(self, request_id: str, *, lock: bool = False) -> RequestRecord | None:
        """``lock``: ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writing unit already holds the
        database's write lock. A reading unit takes no lock."""
        if "\x00" in request_id:
            return None
        query = select(requests).where(requests.c.id == request_id)
        if lock and self._unit.writing and self._unit.dialect == "postgresql":
            query = query.with_for_update()
        found = self._unit.execute(query).first()
        return None if found is None else _request_record(found)

    def history(self, request_id: str) -> list[HistoryEntry]:
        stored = self._unit.execute(
            select(history.c.entry).where(history.c.request_id == request_id).order_by(history.c.seq)
        ).scalars()
        return [HistoryEntry.from_dict(item) for item in stored]

    def save(self, request: Request, stored_seq: int, **columns: Any) -> None:
        unknown = set(columns) - SAVED_COLUMNS
        if unknown:
            raise TypeError(f"not a column save() sets: {', '.join(sorted(unknown))}")
        values = {name: _json(value) if name in _JSON_COLUMNS else value for name, value in columns.items()}
        self._append(entry for entry in request.history if entry.seq > stored_seq)
        outcome = request.outcome.to_dict() if request.outcome else None
        changed = self._unit.execute(
            update(requests)
            .where(requests.c.id == request.id)
            .values(state=request.state, number=request.number, outcome=_json(outcome), **values)
        )
        if changed.rowcount != 1:
            raise RequestNotFound(id=request.id)

    def find(
        self,
        *,
        holders: Collection[str] = (),
        filed_by: str | None = None,
        provider: str | None = None,
        centre: str | None = None,
        open_only: bool = False,
        due_by: dt.date | None = None,
    ) -> list[RequestRecord]:
        conditions: list[ColumnElement[bool]] = []
        owners: list[ColumnElement[bool]] = []
        if holders:
            owners.append(requests.c.holder.in_(sorted(set(holders))))
        if filed_by is not None:
            owners.append(requests.c.filed_by == filed_by)
        if owners:
            conditions.append(or_(*owners))
        if provider is not None:
            conditions.append(requests.c.provider == provider)
        if centre is not None:
            conditions.append(requests.c.centre == centre)
        if open_only:
            conditions.append(requests.c.state.not_in(FINAL_STATES))
        if due_by is not None:
            conditions.append(requests.c.due_on <= due_by)
        query = (
            select(requests).where(*conditions).order_by(requests.c.created_at.desc(), requests.c.id.desc())
        )
        return [_request_record(found) for found in self._unit.execute(query)]

    def ids(self) -> list[str]:
        query = select(requests.c.id).order_by(requests.c.created_at, requests.c.id)
        return list(self._unit.execute(query).scalars())


def _request_record(found: Row[Any]) -> RequestRecord:
    return RequestRecord(
        id=found.id,
        service=found.service,
        provider=found.provider,
        action=found.action,
        channel=found.channel,
        state=found.state,
        data=found.data,
        created_at=_from_db(found.created_at),
        holder=found.holder,
        filed_by=found.filed_by,
        centre=found.centre,
        number=found.number,
        registered_on=found.registered_on,
        due_on=found.due_on,
        outcome=found.outcome,
        signature_check=found.signature_check,
        head=found.head,
        head_seal=found.head_seal,
    )


# -- documents --------------------------------------------------------------------------------

#: The newest later file of a document (``document_files``), if it has one.
_LATEST_FILE = (
    select(func.max(document_files.c.seq))
    .where(document_files.c.document_id == documents.c.id)
    .correlate(documents)
    .scalar_subquery()
)
_DOCUMENT = (
    select(
        *(column for column in documents.c if column.name not in ("sha256", "pdf")),
        func.coalesce(document_files.c.sha256, documents.c.sha256).label("sha256"),
        func.coalesce(document_files.c.pdf, documents.c.pdf).label("pdf"),
        registry.c.status,
        requests.c.service,
        requests.c.provider,
        requests.c.holder,
    )
    .join(registry, registry.c.document_id == documents.c.id)
    .join(requests, requests.c.id == documents.c.request_id)
    .outerjoin(
        document_files,
        and_(document_files.c.document_id == documents.c.id, document_files.c.seq == _LATEST_FILE),
    )
)


class SqlDocuments(Documents):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def add(self, document: NewDocument) -> str:
        document_id = str(uuid.uuid4())
        at = _to_utc(document.created_at)
        self._unit.execute(
            insert(documents).values(
                id=document_id,
                request_id=document.request_id,
                kind=document.kind,
                number=document.number,
                version=document.version,
                replaces=document.replaces,
                duplicate=int(document.duplicate),
                data=document.data,
                sha256=document.sha256,
                pdf=document.pdf,
                created_at=at,
            )
        )
        self._unit.execute(insert(registry).values(document_id=document_id, status="active", changed_at=at))
        if document.replaces:
            self._unit.execute(
                update(registry)
                .where(registry.c.document_id == document.replaces)
                .values(status="replaced", changed_at=at)
            )
        return document_id

    def for_request(self, request_id: str) -> list[DocumentRecord]:
        query = _DOCUMENT.where(documents.c.request_id == request_id).order_by(
            documents.c.created_at, documents.c.version, documents.c.id
        )
        return [_document_record(found) for found in self._unit.execute(query)]

    def by_number(self, number: str, *, lock: bool = False) -> DocumentRecord | None:
        """``lock``: hold the document's registry row (``FOR UPDATE`` on PostgreSQL) until the end, so
        two reissues or duplicates of one license are decided one after the other."""
        if "\x00" in number:  # no number holds one, and PostgreSQL refuses it in a query
            return None
        query = _DOCUMENT.where(documents.c.number == number)
        if lock and self._unit.writing and self._unit.dialect == "postgresql":
            query = query.with_for_update(of=registry)
        found = self._unit.execute(query).first()
        return None if found is None else _document_record(found)

    def duplicates_of(self, number: str) -> list[DocumentRecord]:
        """Documents marked duplicate numbered ``{number}-D{n}`` (``%`` and ``_`` in ``number`` are
        matched literally)."""
        prefix = f"{number}-D"
        query = _DOCUMENT.where(
            documents.c.duplicate == 1, documents.c.number.startswith(prefix, autoescape=True)
        ).order_by(documents.c.created_at, documents.c.id)
        found = [_document_record(row) for row in self._unit.execute(query)]
        return [document for document in found if document.number[len(prefix) :].isdigit()]

    def add_file(self, document_id: str, pdf: bytes, sha256: str, at: dt.datetime) -> None:
        last = self._unit.execute(
            select(func.max(document_files.c.seq)).where(document_files.c.document_id == document_id)
        ).scalar()
        self._unit.execute(
            insert(document_files).values(
                document_id=document_id, seq=(last or 0) + 1, sha256=sha256, pdf=pdf, created_at=_to_utc(at)
            )
        )

    def numbers(self) -> list[str]:
        query = select(documents.c.number).order_by(documents.c.created_at, documents.c.id)
        return [str(number) for number in self._unit.execute(query).scalars()]

    def set_status(self, document_id: str, status: str, at: dt.datetime) -> None:
        changed = self._unit.execute(
            update(registry)
            .where(registry.c.document_id == document_id)
            .values(status=status, changed_at=_to_utc(at))
        )
        if changed.rowcount != 1:
            raise KeyError(document_id)


def _document_record(found: Row[Any]) -> DocumentRecord:
    return DocumentRecord(
        id=found.id,
        request_id=found.request_id,
        kind=found.kind,
        number=found.number,
        version=found.version,
        replaces=found.replaces,
        duplicate=bool(found.duplicate),
        data=found.data,
        sha256=found.sha256,
        pdf=bytes(found.pdf),
        created_at=_from_db(found.created_at),
        status=found.status,
        service=found.service,
        provider=found.provider,
        holder=found.holder,
    )


# -- users ------------------------------------------------------------------------------------


class SqlUsers(Users):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def add(self, user: User) -> None:
        """Raises :class:`~docgen.errors.UserExists` when the login is taken (the unit stays usable)."""
        try:
            with self._unit.connection.begin_nested():
                self._unit.execute(
                    insert(users).values(**_user_columns(user), created_at=dt.datetime.now(dt.UTC))
                )
        except IntegrityError as error:
            raise UserExists(login=user.login) from error

    def get(self, login: str) -> User | None:
        if "\x00" in login:
            return None
        found = self._unit.execute(select(users).where(users.c.login == login)).first()
        return None if found is None else _user(found)

    def save(self, user: User) -> None:
        columns = _user_columns(user)
        del columns["login"]
        changed = self._unit.execute(update(users).where(users.c.login == user.login).values(**columns))
        if changed.rowcount != 1:
            raise UnknownUser(login=user.login)

    def all(self) -> list[User]:
        return [_user(found) for found in self._unit.execute(select(users).order_by(users.c.login))]


def _user_columns(user: User) -> dict[str, Any]:
    return {
        "login": user.login,
        "role": user.role,
        "name": user.name,
        "iin": user.iin,
        "bin": user.bin,
        "provider": user.provider,
        "centre": user.centre,
        "enabled": user.enabled,
        "password_hash": user.password_hash,
    }


def _user(found: Row[Any]) -> User:
    return User(
        login=found.login,
        role=found.role,
        name=found.name,
        iin=found.iin,
        bin=found.bin,
        provider=found.provider,
        centre=found.centre,
        enabled=bool(found.enabled),
        password_hash=found.password_hash,
    )


# -- counters ---------------------------------------------------------------------------------


class SqlReceipts(Receipts):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def claim(self, provider: str, receipt: str, request_id: str) -> str:
        """Insert the receipt unless it is there (the primary key decides under concurrency), then say
        which request it pays."""
        dialect_insert = postgresql.insert if self._unit.dialect == "postgresql" else sqlite.insert
        self._unit.execute(
            dialect_insert(receipts)
            .values(provider=provider, receipt=receipt, request_id=request_id)
            .on_conflict_do_nothing(index_elements=["provider", "receipt"])
        )
        return str(
            self._unit.execute(
                select(receipts.c.request_id).where(
                    receipts.c.provider == provider, receipts.c.receipt == receipt
                )
            ).scalar_one()
        )


class SqlNotifications(Notifications):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def add(self, notification: Notification) -> None:
        self._unit.execute(
            insert(notifications).values(
                id=str(uuid.uuid4()),
                request_id=notification.request_id,
                recipient=notification.recipient,
                kind=notification.kind,
                document=notification.document,
                email=notification.email,
                message=dict(notification.message),
                created_at=_to_utc(notification.created_at),
            )
        )

    def for_recipients(self, recipients: Collection[str]) -> list[Notification]:
        if not recipients:
            return []
        rows = self._unit.execute(
            select(notifications)
            .where(notifications.c.recipient.in_(list(recipients)))
            .order_by(notifications.c.created_at.desc(), notifications.c.id)
        )
        return [
            Notification(
                request_id=row.request_id,
                recipient=row.recipient,
                kind=row.kind,
                message=dict(row.message),
                created_at=_from_db(row.created_at),
                document=row.document,
                email=row.email,
            )
            for row in rows
        ]


class SqlCounters(Counters):
    def __init__(self, unit: SqlUnitOfWork) -> None:
        self._unit = unit

    def values(self) -> dict[tuple[str, int, str], int]:
        rows = self._unit.execute(
            select(counters.c.provider, counters.c.year, counters.c.series, counters.c.value)
        )
        return {(row.provider, int(row.year), row.series): int(row.value) for row in rows}

    def next_value(self, provider: str, year: int, series: str) -> int:
        """The next number of the series (1, 2, 3, ...), taken inside the unit's transaction."""
        dialect_insert = postgresql.insert if self._unit.dialect == "postgresql" else sqlite.insert
        self._unit.execute(
            dialect_insert(counters)
            .values(provider=provider, year=year, series=series, value=0)
            .on_conflict_do_nothing(index_elements=["provider", "year", "series"])
        )
        return int(
            self._unit.execute(
                update(counters)
                .where(counters.c.provider == provider, counters.c.year == year, counters.c.series == series)
                .values(value=counters.c.value + 1)
                .returning(counters.c.value)
            ).scalar_one()
        )
