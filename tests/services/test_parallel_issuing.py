"""Several clerks issuing at the same moment, from separate processes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from docgen.adapters.db.tables import documents
from docgen.domain.history import Actor
from docgen.rendering.core import Renderer
from docgen.signing.pki import LocalPki
from tests.services.test_requests import CLERK, COMPANY, _portal_request, make_service


def _build(url: str, pki_dir: Path) -> Any:
    from docgen.adapters.db.engine import make_engine
    from docgen.bootstrap import make_renderer

    later = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)  # after the parent's history entries
    return make_service(make_engine(url), LocalPki(pki_dir), make_renderer(), start=later)


def _issue(url: str, pki_dir: str, request_id: str, queue: Any) -> None:
    from docgen.errors import DocgenError

    service = _build(url, Path(pki_dir))
    try:
        queue.put((request_id, service.issue(request_id, Actor("clerk", CLERK.login))))
    except DocgenError as error:
        queue.put((request_id, f"refused: {error.code}"))
    service.engine.dispose()


def _run(url: str, pki: LocalPki, request_ids: list[str]) -> list[tuple[str, str]]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_issue, args=(url, str(pki.folder), rid, queue)) for rid in request_ids]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    return results


@pytest.fixture
def registered(database_url: str, engine: Engine, pki: LocalPki, renderer: Renderer) -> Any:
    return make_service(engine, pki, renderer)


@pytest.mark.slow
def test_parallel_issuing_gives_unique_gapless_numbers(
    database_url: str, engine: Engine, pki: LocalPki, registered: Any
) -> None:
    request_ids = [_portal_request(registered, pki) for _ in range(4)]
    results = _run(database_url, pki, request_ids)
    numbers = sorted(number for _, number in results)
    assert numbers == [f"LIC-MTCCOMCOM-2026-{n:06d}" for n in range(1, 5)]


@pytest.mark.slow
def test_the_same_request_issued_twice_at_once_yields_one_document(
    database_url: str, engine: Engine, pki: LocalPki, registered: Any
) -> None:
    request_id = _portal_request(registered, pki)
    results = _run(database_url, pki, [request_id, request_id])
    outcomes = sorted(result for _, result in results)
    assert outcomes[0] == "LIC-MTCCOMCOM-2026-000001"
    assert outcomes[1].startswith("refused:")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(documents)).scalar_one() == 1
    assert registered.show(request_id)["state"] == "issued"
    assert COMPANY.kind == "applicant"
