"""Batch lines in the database, on SQLite and PostgreSQL: of workers racing for one line, one holds it."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine

from docgen.adapters.db.uow import sql_unit_of_work
from docgen.services.ports import BatchLine, BatchRecord

T0 = dt.datetime(2026, 3, 2, 4, 0, tzinfo=dt.UTC)


def _batch(engine: Engine, lines: int = 3) -> str:
    uow = sql_unit_of_work(engine)
    with uow() as unit:
        unit.batches.add(
            BatchRecord("b1", "render", {"kind": "license"}, "admin", T0, lines),
            [BatchLine("b1", n, f'{{"n": {n}}}'.encode(), number=f"N-{n}") for n in range(1, lines + 1)],
        )
        unit.commit()
    return "b1"


def test_of_eight_workers_racing_for_a_line_exactly_one_holds_it(engine: Engine) -> None:
    batch_id = _batch(engine)
    uow = sql_unit_of_work(engine)
    barrier = threading.Barrier(8)
    won: list[str] = []

    def claim(worker: str) -> None:
        barrier.wait()
        with uow() as unit:
            if unit.batches.claim(batch_id, 2, worker, T0, T0 - dt.timedelta(hours=1)):
                won.append(worker)
            unit.commit()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(won) == 1
    with uow(write=False) as unit:
        line = unit.batches.line(batch_id, 2)
        assert unit.batches.counts(batch_id) == {"pending": 2, "running": 1}
    assert line is not None and (line.worker, line.attempts, line.number) == (won[0], 1, "N-2")


def test_a_stale_claim_is_taken_over_and_its_old_holder_records_nothing(engine: Engine) -> None:
    batch_id = _batch(engine)
    uow = sql_unit_of_work(engine)
    with uow() as unit:
        assert unit.batches.claim(batch_id, 1, "dead", T0, T0)
        assert not unit.batches.claim(batch_id, 1, "early", T0, T0)  # not stale yet
        unit.commit()
    later = T0 + dt.timedelta(hours=2)
    with uow() as unit:
        assert unit.batches.claim(batch_id, 1, "alive", later, later - dt.timedelta(hours=1))
        assert not unit.batches.update(batch_id, 1, "dead", status="done")
        assert unit.batches.update(
            batch_id, 1, "alive", status="done", result={"file": "x"}, finished_at=later
        )
        unit.commit()
    with uow() as unit:
        assert not unit.batches.claim(batch_id, 1, "late", later, later)
        line = unit.batches.line(batch_id, 1)
        assert unit.batches.requeue(batch_id, ("failed",), later) == []
    assert line is not None
    assert (line.status, line.worker, line.attempts, line.result) == ("done", "alive", 2, {"file": "x"})
    assert line.finished_at == later


def test_requeue_gives_back_failed_and_stale_lines_with_their_numbers(engine: Engine) -> None:
    batch_id = _batch(engine)
    uow = sql_unit_of_work(engine)
    with uow() as unit:
        unit.batches.claim(batch_id, 1, "w", T0, T0)
        unit.batches.update(batch_id, 1, "w", status="failed", failure={"kk": "қате", "ru": "ошибка"})
        unit.batches.claim(batch_id, 3, "dead", T0, T0)
        unit.commit()
    with uow() as unit:
        assert unit.batches.requeue(batch_id, ("failed",), T0 + dt.timedelta(seconds=1)) == [1, 3]
        unit.commit()
    with uow(write=False) as unit:
        lines = unit.batches.lines(batch_id)
        batches = unit.batches.all()
    assert [(i.status, i.number, i.failure) for i in lines] == [
        ("pending", f"N-{n}", None) for n in (1, 2, 3)
    ]
    assert [b.id for b in batches] == [batch_id] and batches[0].params == {"kind": "license"}
