"""Migrations, append-only tables and gapless numbering, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import DBAPIError

from docgen.adapters.db.engine import make_engine
from docgen.adapters.db.migrate import downgrade, upgrade
from docgen.adapters.db.tables import counters, history, metadata, requests
from docgen.adapters.db.uow import sql_unit_of_work

HEAD = "0009"


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD


def test_the_migrated_schema_is_the_one_the_code_describes(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, metadata) == []


def _version_0001_request(connection: Any, request_id: str, applicant: dict[str, str]) -> None:
    connection.execute(
        text(
            "INSERT INTO requests (id, service, provider, action, channel, state, data, created_at) "
            "VALUES (:id, 'telecom-license', 'p', 'issue', 'portal', 'draft', :data, :at)"
        ),
        {"id": request_id, "data": json.dumps({"applicant": applicant}), "at": dt.datetime.now(dt.UTC)},
    )
    connection.execute(
        text("INSERT INTO history (request_id, seq, entry, hash) VALUES (:id, 1, '{}', :hash)"),
        {"id": request_id, "hash": f"h-{request_id}"},
    )


def test_requests_filed_before_0002_get_their_holder(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0001")
        with engine.begin() as connection:
            _version_0001_request(connection, "org", {"kind": "legal", "bin": "071140004566", "iin": "x"})
            _version_0001_request(connection, "person", {"kind": "individual", "iin": "880501300124"})
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                select(requests.c.id, requests.c.holder, requests.c.filed_by, requests.c.centre).order_by(
                    requests.c.id
                )
            ).all()
            assert [tuple(row) for row in rows] == [
                ("org", "071140004566", "unknown", None),
                ("person", "880501300124", "unknown", None),
            ]
            assert connection.execute(select(history.c.request_id)).scalars().all() == ["org", "person"]
        downgrade(engine, "0001")
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(select(requests.c.holder).order_by(requests.c.id)).scalars().all() == [
                "071140004566",
                "880501300124",
            ]
    finally:
        engine.dispose()


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
                holder="071140004566",
                filed_by="applicant",
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


def _take_numbers(url: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    engine = make_engine(url)
    factory = sql_unit_of_work(engine)
    taken = []
    for _ in range(count):
        with factory() as uow:
            taken.append(uow.counters.next_value("contended", 2026, "license"))
            uow.commit()
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
