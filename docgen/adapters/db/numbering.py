"""Gapless numbers per provider, year and series, safe under concurrency.

One counter row per (provider, year, series), incremented with
``UPDATE ... RETURNING`` inside the caller's transaction: the row lock (or
SQLite's up-front write lock) serialises clerks acting at the same moment,
and a rolled-back transaction gives its number back, so numbers are unique
and gapless. No ``MAX()+1``.
"""

from __future__ import annotations

from sqlalchemy import Connection, update
from sqlalchemy.dialects import postgresql, sqlite

from docgen.adapters.db.tables import counters

__all__ = ["next_value"]


def next_value(connection: Connection, provider: str, year: int, series: str) -> int:
    """The next number of the series (1, 2, 3, ...), within the open transaction."""
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    connection.execute(
        insert(counters)
        .values(provider=provider, year=year, series=series, value=0)
        .on_conflict_do_nothing(index_elements=["provider", "year", "series"])
    )
    return int(
        connection.execute(
            update(counters)
            .where(counters.c.provider == provider, counters.c.year == year, counters.c.series == series)
            .values(value=counters.c.value + 1)
            .returning(counters.c.value)
        ).scalar_one()
    )
