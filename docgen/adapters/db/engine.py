"""Engines for the embedded default (a SQLite file) and for PostgreSQL.

SQLite: the write lock is taken up front (``BEGIN IMMEDIATE``) so that two
writers never both read and then both try to upgrade a shared lock - the
cause of "database is locked" - and a busy timeout makes a second writer
wait its turn. pysqlite's own implicit transactions are switched off so
SQLAlchemy's ``begin`` is the only one. PostgreSQL needs nothing special:
row locks (``UPDATE ... RETURNING``, ``SELECT ... FOR UPDATE``) serialise the
contended rows.

A connection given the :data:`READ_ONLY` execution option (see
:func:`reader_options`) begins a reading transaction instead: on SQLite a
plain (deferred) ``BEGIN`` under ``PRAGMA query_only``, which takes no write
lock, so a reader never waits behind a burst of issuing (WAL lets it read the
last committed state while a writer works); on PostgreSQL a ``READ ONLY``
transaction at ``REPEATABLE READ``, one consistent snapshot. On both, a write
in a reading transaction fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from docgen.config import PROJECT_ROOT

__all__ = ["READ_ONLY", "default_url", "make_engine", "reader_options"]

BUSY_TIMEOUT_MS = 60_000

#: Execution option of a connection whose transactions only read.
READ_ONLY = "docgen_read_only"


def default_url() -> str:
    """A SQLite file in the instance folder: nothing to set up."""
    path = PROJECT_ROOT / "instance" / "docgen.sqlite3"
    return f"sqlite:///{path}"


def make_engine(url: str | None = None, **options: Any) -> Engine:
    url = url or default_url()
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **options)
        _sqlite_locking(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **options)


def reader_options(dialect: str) -> dict[str, Any]:
    """The execution options that make a connection's transactions read-only on ``dialect``."""
    if dialect == "postgresql":
        return {READ_ONLY: True, "postgresql_readonly": True, "isolation_level": "REPEATABLE READ"}
    return {READ_ONLY: True}


def _sqlite_locking(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from pysqlite
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        reading = bool(connection.get_execution_options().get(READ_ONLY))
        if connection.info.get("query_only", False) != reading:  # kept per DBAPI connection
            connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if reading else 'OFF'}")
            connection.info["query_only"] = reading
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
