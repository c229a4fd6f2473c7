"""The state databases of individuals and legal entities, as a local table (``docgen demo`` fills it)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from docgen.adapters.db.tables import people
from docgen.domain.ports import Person, StateRegistry

__all__ = ["TableStateRegistry"]


class TableStateRegistry(StateRegistry):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, number: str) -> Person | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(people).where(people.c.number == number)).first()
        return Person(row.number, row.kind, row.name, row.address) if row else None
