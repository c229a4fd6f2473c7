"""Several clerks issuing at the same moment, from separate processes (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from tests.services.world import World

CLERK = "clerk-mtc-communications-committee"


def _issue(url: str, pki_dir: str, request_id: str, queue: Any) -> None:
    """One clerk's process: the application built as the CLI builds it, on the shared database."""
    from dataclasses import replace

    from docgen.bootstrap import build
    from docgen.config import SigningSettings, load
    from docgen.errors import DocgenError
    from tests import fakes
    from tests.services.world import AUDIT_KEY

    settings = replace(
        load({}), database_url=url, signing=SigningSettings(pki_dir=Path(pki_dir)), audit_key=AUDIT_KEY
    )
    later = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # after the parent's history entries
    app = build(settings, clock=fakes.SteppingClock(later))
    clerk = app.users.acting_as(CLERK)
    try:
        decision = app.requests.decision_example("telecom-license", "issue")
        queue.put((request_id, app.requests.issue(clerk, request_id, decision)))
    except DocgenError as error:
        queue.put((request_id, f"refused: {error.code}"))
    app.engine.dispose()


def _run(world: World, request_ids: list[str]) -> list[tuple[str, str]]:
    url = world.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_issue, args=(url, str(world.pki.folder), rid, queue)) for rid in request_ids
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    return results


@pytest.mark.slow
def test_parallel_issuing_gives_unique_gapless_numbers(real_world: World) -> None:
    request_ids = [real_world.registered() for _ in range(4)]
    numbers = sorted(number for _, number in _run(real_world, request_ids))
    assert numbers == [f"LIC-MTCCOMCOM-2026-{n:06d}" for n in range(1, 5)]


@pytest.mark.slow
def test_the_same_request_issued_twice_at_once_yields_one_document(real_world: World) -> None:
    request_id = real_world.registered()
    outcomes = sorted(result for _, result in _run(real_world, [request_id, request_id]))
    assert outcomes[0] == "LIC-MTCCOMCOM-2026-000001"
    assert outcomes[1].startswith("refused:")
    shown = real_world.app.queries.show(real_world["dala"], request_id)
    assert shown["state"] == "issued" and [d["kind"] for d in shown["documents"]] == [
        "license",
        "license-annex",
    ]
