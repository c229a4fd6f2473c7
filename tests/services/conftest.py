"""Worlds for the use cases: in memory (fast, no database, no WeasyPrint, no PKI), and on SQLite
and PostgreSQL through the real unit of work (``integration``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from docgen.domain.history import HistoryEntry
from docgen.services.ports import UnitOfWorkFactory
from tests import fakes
from tests.conftest import BACKENDS, temporary_database
from tests.services.world import World, make_world

#: SQLite and PostgreSQL, marked as the integration tier (``-m "not integration"``: the fast tier).
INTEGRATION = [
    pytest.param(*param.values, id=param.id, marks=[*param.marks, pytest.mark.integration])
    for param in BACKENDS
]


def count_rows(uow: UnitOfWorkFactory) -> int:
    """Requests, history entries, documents and users, read through the ports."""
    with uow(write=False) as unit:
        ids = unit.requests.ids()
        return (
            len(ids)
            + sum(len(unit.requests.history(i)) for i in ids)
            + sum(len(unit.documents.for_request(i)) for i in ids)
            + len(unit.users.all())
        )


def memory_world() -> World:
    database = fakes.MemoryDatabase()
    world = make_world(database, lambda: count_rows(database))

    def append_raw(entry: HistoryEntry) -> None:
        database.store.history[entry.request_id].append(entry)

    world.append_raw = append_raw
    return world


def sql_appender(engine: Engine) -> Callable[[HistoryEntry], None]:
    def append_raw(entry: HistoryEntry) -> None:
        from sqlalchemy import insert

        from docgen.adapters.db.tables import history

        with engine.begin() as connection:
            connection.execute(
                insert(history).values(
                    request_id=entry.request_id,
                    seq=entry.seq,
                    entry=entry.to_dict(),
                    previous_hash=entry.previous_hash,
                    hash=entry.hash,
                )
            )

    return append_raw


@pytest.fixture
def world() -> World:
    """The fast tier: every port in memory."""
    return memory_world()


@pytest.fixture(params=[pytest.param("memory", id="memory"), *INTEGRATION])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The same world in memory, on SQLite and on PostgreSQL."""
    if request.param == "memory":
        yield memory_world()
        return
    with database_world(request.param, tmp_path) as world:
        yield world


@pytest.fixture(params=INTEGRATION)
def sql_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The world (fakes for the machinery) on SQLite and on PostgreSQL."""
    with database_world(request.param, tmp_path) as world:
        yield world


@pytest.fixture(params=[param for param in INTEGRATION if param.id == "postgresql"])
def postgres_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with database_world(request.param, tmp_path) as world:
        yield world


@contextlib.contextmanager
def database_world(kind: str, tmp_path: Path) -> Iterator[World]:
    from docgen.adapters.db.engine import make_engine
    from docgen.adapters.db.migrate import upgrade
    from docgen.adapters.db.uow import sql_unit_of_work

    with temporary_database(kind, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        uow = sql_unit_of_work(engine)
        try:
            world = make_world(uow, lambda: count_rows(uow))
            world.append_raw = sql_appender(engine)
            world.engine = engine
            yield world
        finally:
            engine.dispose()


@pytest.fixture(params=INTEGRATION)
def real_world(request: pytest.FixtureRequest, tmp_path: Path, pki: Any, renderer: Any) -> Iterator[World]:
    """The integration tier: SQLite or PostgreSQL, the real templates, PAdES signing with the test
    PKI, the CMS check of request signatures, the state-database table and attachments on disk."""
    from docgen.adapters.attachments import FolderAttachments
    from docgen.adapters.calendar import KazakhstanCalendar
    from docgen.adapters.db.engine import make_engine
    from docgen.adapters.db.migrate import upgrade
    from docgen.adapters.db.people import TableStateRegistry
    from docgen.adapters.db.uow import sql_unit_of_work
    from docgen.adapters.rendering import TemplateRenderer
    from docgen.adapters.signing import PadesSigners, ProviderSigners
    from docgen.config import SigningSettings
    from docgen.demo import seed_people
    from docgen.signing.request_signature import CmsRequestChecker, TrustStore

    with temporary_database(request.param, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        seed_people(engine, renderer.catalog)
        uow = sql_unit_of_work(engine)
        try:
            world = make_world(
                uow,
                lambda: count_rows(uow),
                renderer=TemplateRenderer(renderer),
                signers=PadesSigners(ProviderSigners(SigningSettings(pki_dir=pki.folder), renderer)),
                checker=CmsRequestChecker(TrustStore.from_folder(pki.folder)),
                registry=TableStateRegistry(engine),
                attachments=FolderAttachments(tmp_path / "attachments"),
                calendar=KazakhstanCalendar(),
            )
            world.append_raw = sql_appender(engine)
            world.pki = pki
            world.engine = engine
            yield world
        finally:
            engine.dispose()
