"""``docgen db upgrade``: bring a database to the newest schema with Alembic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

from docgen.errors import DatabaseNotReady

__all__ = ["downgrade", "grant_application_role", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied (idempotent), in one transaction."""
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo the migrations after ``revision``, in one transaction."""
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, action: Callable[[Config, str], None], revision: str) -> None:
    """Run ``action`` on one connection, in one transaction.

    On SQLite a migration may rebuild a table (Alembic's batch mode: copy, drop,
    rename), which the other tables' foreign keys would refuse; so, as SQLite's
    own procedure for schema changes says, foreign keys are switched off for the
    migration - outside the transaction, where the pragma takes effect - checked
    with ``PRAGMA foreign_key_check`` before the commit, and switched back on.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                action(config, revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    # On the driver's connection: through SQLAlchemy the statement would open a transaction first.
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        listed = ", ".join(f"{row[0]} rowid {row[1]} -> {row[2]}" for row in broken[:5])
        raise DatabaseNotReady(detail=f"foreign keys broken by the migration: {listed}")


#: What the application's own role may do, table by table: it reads and appends the record, changes
#: the rows that carry a current state, and never deletes, truncates or owns anything.
APPLICATION_GRANTS = {
    "history": "SELECT, INSERT",
    "documents": "SELECT, INSERT",
    "document_files": "SELECT, INSERT",
    "notifications": "SELECT, INSERT",
    "receipts": "SELECT, INSERT",
    "requests": "SELECT, INSERT, UPDATE",
    "registry": "SELECT, INSERT, UPDATE",
    "counters": "SELECT, INSERT, UPDATE",
    "users": "SELECT, INSERT, UPDATE",
    "web_sessions": "SELECT, INSERT, UPDATE",
    "survey_tokens": "SELECT, INSERT, UPDATE",
    "survey_answers": "SELECT, INSERT",
    "people": "SELECT, INSERT",
    "alembic_version": "SELECT",
}


def grant_application_role(engine: Engine, role: str) -> None:
    """PostgreSQL: let ``role`` (the one the application connects as) do only what
    :data:`APPLICATION_GRANTS` says, in the schema the migrations ran in. The migration role keeps
    ownership, so the application's role cannot drop or disable the triggers that guard the record."""
    if engine.dialect.name != "postgresql":
        raise DatabaseNotReady(detail="separate roles are a PostgreSQL feature; SQLite has one file")
    if not role.replace("_", "").isalnum():
        raise DatabaseNotReady(detail=f"not a plain role name: {role!r}")
    with engine.begin() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        connection.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        for table, rights in APPLICATION_GRANTS.items():
            connection.exec_driver_sql(f'REVOKE ALL ON "{schema}"."{table}" FROM PUBLIC, "{role}"')
            connection.exec_driver_sql(f'GRANT {rights} ON "{schema}"."{table}" TO "{role}"')
        connection.exec_driver_sql(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"')
