"""Migrations, append-only tables and gapless numbering, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import DBAPIError

from docgen.adapters.db.engine import make_engine
from docgen.adapters.db.migrate import upgrade
from docgen.adapters.db.numbering import next_value
from docgen.adapters.db.tables import counters, history, requests


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"


def _request(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(requests).values(
                id="r1",
                service="telecom-license",
                provider="p",
                action="issue",
                channel="portal",
                state="draft",
                data={},
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        connection.execute(insert(history).values(request_id="r1", seq=1, entry={"a": 1}, hash="h1"))


@pytest.mark.parametrize("statement", ["UPDATE history SET hash = 'forged'", "DELETE FROM history"])
def test_history_rows_cannot_be_changed_or_deleted(engine: Engine, statement: str) -> None:
    _request(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(select(history.c.hash)).scalars().all() == ["h1"]


@pytest.mark.parametrize("statement", ["UPDATE documents SET sha256 = 'forged'", "DELETE FROM documents"])
def test_issued_documents_cannot_be_changed_or_deleted(engine: Engine, statement: str) -> None:
    from docgen.adapters.db.tables import documents

    _request(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(documents).values(
                id="d1",
                request_id="r1",
                kind="license",
                number="LIC-1",
                version=1,
                duplicate=0,
                data={},
                sha256="a" * 64,
                pdf=b"%PDF",
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(select(documents.c.sha256)).scalars().all() == ["a" * 64]


def test_numbers_start_at_one_per_provider_year_and_series(engine: Engine) -> None:
    with engine.begin() as connection:
        assert [next_value(connection, "a", 2026, "license") for _ in range(3)] == [1, 2, 3]
        assert next_value(connection, "a", 2027, "license") == 1
        assert next_value(connection, "b", 2026, "license") == 1
        assert next_value(connection, "a", 2026, "request") == 1


def test_a_rolled_back_transaction_gives_its_number_back(engine: Engine) -> None:
    with engine.begin() as connection:
        next_value(connection, "a", 2026, "license")
    with pytest.raises(RuntimeError), engine.begin() as connection:
        next_value(connection, "a", 2026, "license")
        raise RuntimeError("rendering failed")
    with engine.begin() as connection:
        assert next_value(connection, "a", 2026, "license") == 2


def _take_numbers(url: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    engine = make_engine(url)
    taken = []
    for _ in range(count):
        with engine.begin() as connection:
            taken.append(next_value(connection, "contended", 2026, "license"))
    queue.put(taken)
    engine.dispose()


@pytest.mark.slow
def test_clerks_numbering_at_the_same_moment_get_unique_gapless_numbers(
    database_url: str, engine: Engine
) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_take_numbers, args=(database_url, 40, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    numbers = sorted(number for taken in results for number in taken)
    assert numbers == list(range(1, 161))
    with engine.connect() as connection:
        assert connection.execute(select(counters.c.value)).scalar_one() == 160
