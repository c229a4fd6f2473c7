"""Batches: each line made once, whichever worker asks and however often; in memory, on SQLite and
on PostgreSQL (``any_world``). The race of two workers for one line is the SQL adapter's
(tests/adapters/db/test_batches.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from docgen.errors import BatchNotFound, InvalidData, NotAllowed
from docgen.services.batches import BatchService
from tests import fakes
from tests.services.world import World


def _service(world: World) -> BatchService:
    assert world.app.batches is not None
    return world.app.batches


def _renderer(world: World) -> fakes.CountingBatchRenderer:
    renderer = _service(world).renderer
    assert isinstance(renderer, fakes.CountingBatchRenderer)
    return renderer


def _later(world: World, hours: int = 2) -> None:
    """Move the world's clock past the lease: a claim made before is a dead worker's."""
    clock = _service(world).clock
    assert isinstance(clock, fakes.SteppingClock)
    clock.start += dt.timedelta(hours=hours)


def _lines(count: int, bad: tuple[int, ...] = ()) -> list[tuple[int, bytes]]:
    good = {"applicant": {"name": "Дала Телеком"}}
    return [
        (n, b"not json" if n in bad else json.dumps(good | {"line": n}, ensure_ascii=False).encode())
        for n in range(1, count + 1)
    ]


def _render_batch(world: World, folder: Path, count: int = 5, bad: tuple[int, ...] = ()) -> str:
    return _service(world).submit_render(
        world["admin"], "license", _lines(count, bad), out=folder, fmt="html", number="LIC-{n:04d}"
    )


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The shared output folder (the SQLite database of the world lives in ``tmp_path``)."""
    return tmp_path / "out"


def test_a_numbered_batch_reserves_gapless_numbers_for_its_good_lines_only(
    any_world: World, out: Path
) -> None:
    batch_id = _render_batch(any_world, out, count=6, bad=(2, 5))
    with any_world.app.requests.uow(write=False) as uow:
        lines = uow.batches.lines(batch_id)
    assert [(i.line, i.number, i.status) for i in lines] == [
        (1, "LIC-0001", "pending"),
        (2, None, "failed"),
        (3, "LIC-0002", "pending"),
        (4, "LIC-0003", "pending"),
        (5, None, "failed"),
        (6, "LIC-0004", "pending"),
    ]
    status = _service(any_world).status(any_world["admin"], batch_id)
    assert status.counts == {"pending": 4, "failed": 2}
    assert [item.line for item in status.failed] == [2, 5]
    assert status.failed[0].failure is not None and "JSON" in status.failed[0].failure["kk"]
    assert _service(any_world).pending(batch_id) == [1, 3, 4, 6]


def test_a_line_asked_for_twice_is_made_once_under_its_number(any_world: World, out: Path) -> None:
    service = _service(any_world)
    batch_id = _render_batch(any_world, out, count=3)
    assert service.produce(batch_id, 2, "worker-a") == "done"
    assert service.produce(batch_id, 2, "worker-b") == "done"  # a redelivered message
    assert _renderer(any_world).made == ["LIC-0002"]
    assert sorted(p.name for p in (out / batch_id).iterdir()) == ["000002-LIC-0002.html"]
    assert '"number":"LIC-0002"' in (out / batch_id / "000002-LIC-0002.html").read_text()


def test_a_line_a_live_worker_holds_is_left_to_it(any_world: World, out: Path) -> None:
    service = _service(any_world)
    batch_id = _render_batch(any_world, out, count=2)
    with service.uow() as uow:
        assert uow.batches.claim(batch_id, 1, "worker-a", service.clock.now(), service.clock.now())
        uow.commit()
    assert service.produce(batch_id, 1, "worker-b") == "held"
    assert _renderer(any_world).made == []


def test_a_dead_workers_line_is_taken_over_after_the_lease_under_the_same_number(
    any_world: World, out: Path
) -> None:
    service = _service(any_world)
    batch_id = _render_batch(any_world, out, count=2)
    with service.uow() as uow:
        assert uow.batches.claim(batch_id, 1, "dead", service.clock.now(), service.clock.now())
        uow.commit()
    _later(any_world)
    assert service.produce(batch_id, 1, "alive") == "done"
    with service.uow() as uow:  # the dead worker, back from the dead, cannot record over it
        assert not uow.batches.update(batch_id, 1, "dead", status="failed")
        line = uow.batches.line(batch_id, 1)
    assert line is not None
    assert (line.status, line.number, line.worker, line.attempts) == ("done", "LIC-0001", "alive", 2)
    assert [p.name for p in (out / batch_id).iterdir()] == ["000001-LIC-0001.html"]


def test_resuming_retries_failed_lines_under_the_numbers_they_had(any_world: World, out: Path) -> None:
    service = _service(any_world)
    batch_id = _render_batch(any_world, out, count=2)
    renderer = _renderer(any_world)
    original = renderer.render
    renderer.render = lambda *args, **kwargs: (_ for _ in ()).throw(OSError("disk full"))  # type: ignore[method-assign]
    assert service.produce(batch_id, 2, "worker") == "failed"
    failed = service.status(any_world["admin"], batch_id).failed
    assert failed[0].failure is not None and "disk full" in failed[0].failure["ru"]
    renderer.render = original  # type: ignore[method-assign]
    assert service.resume(any_world["admin"], batch_id, failed=True) == [1, 2]
    assert service.produce(batch_id, 2, "worker") == "done"
    assert renderer.made == ["LIC-0002"]


def test_a_bad_number_template_is_refused_before_anything_is_recorded(world: World, out: Path) -> None:
    with pytest.raises(InvalidData):
        _service(world).submit_render(world["admin"], "license", _lines(1), out=out, number="LIC-1")
    assert _service(world).all(world["admin"]) == []
    with pytest.raises(BatchNotFound):
        _service(world).status(world["admin"], "no-such-batch")


# -- bulk reissue ----------------------------------------------------------------------------------

PROVIDER = "mtc-communications-committee"


def test_a_bulk_reissue_reissues_every_active_license_once_with_gapless_numbers(
    any_world: World, out: Path
) -> None:
    service = _service(any_world)
    licensed = [any_world.licensed()[1] for _ in range(3)]
    clerk = any_world[f"clerk-{PROVIDER}"]
    batch_id = service.submit_reissue(clerk, PROVIDER, out=out)
    assert service.pending(batch_id) == [1, 2, 3]
    # a worker dies after the license of line 2 was issued, before the line was recorded
    with service.uow() as uow:
        assert uow.batches.claim(batch_id, 2, "dead", service.clock.now(), service.clock.now())
        uow.commit()
    with service.uow(write=False) as uow:
        line = uow.batches.line(batch_id, 2)
        batch = uow.batches.get(batch_id)
    assert line is not None and batch is not None
    service._reissue(batch, line, "dead")
    _later(any_world)
    for number in (1, 2, 3):
        assert service.produce(batch_id, number, "alive") == "done"
    assert service.produce(batch_id, 2, "again") == "done"
    with service.uow(write=False) as uow:
        lines = uow.batches.lines(batch_id)
        new = [uow.documents.by_number(str(item.number)) for item in lines]
        old = [uow.documents.by_number(number) for number in licensed]
        reissues = [r for r in uow.requests.find(provider=PROVIDER) if r.action == "reissue"]
        issued_entries = [e for r in reissues for e in uow.requests.history(r.id) if e.event == "issue"]
    assert [item.result and item.result["replaces"] for item in lines] == sorted(licensed)
    assert all(d is not None and d.status == "replaced" for d in old)
    assert all(d is not None and d.status == "active" and d.version == 2 for d in new)
    sequence = sorted(int(str(item.number).rsplit("-", 1)[1]) for item in lines)
    first = sorted(int(number.rsplit("-", 1)[1]) for number in licensed)
    assert sequence == [first[-1] + 1, first[-1] + 2, first[-1] + 3]  # gapless, none taken twice
    assert len(reissues) == 3 and all(r.state == "issued" for r in reissues)
    assert len(issued_entries) == 3
    assert len(list((out / batch_id).iterdir())) == 3


def test_a_worker_dying_between_opening_a_reissue_and_recording_it_leaves_no_orphan_draft(
    any_world: World, out: Path
) -> None:
    service = _service(any_world)
    licensed = any_world.licensed()[1]
    clerk = any_world[f"clerk-{PROVIDER}"]
    batch_id = service.submit_reissue(clerk, PROVIDER)
    opened = service._open_reissue(clerk, licensed)  # then the worker died: the line knows nothing
    _later(any_world)
    assert service.produce(batch_id, 1, "alive") == "done"
    with service.uow(write=False) as uow:
        reissues = [r for r in uow.requests.find(provider=PROVIDER) if r.action == "reissue"]
        line = uow.batches.line(batch_id, 1)
    assert [r.id for r in reissues] == [opened] and reissues[0].state == "issued"
    assert line is not None and line.request_id == opened


def test_a_second_batch_of_the_same_numbers_continues_them_in_a_folder_of_its_own(
    any_world: World, out: Path
) -> None:
    """Two batches numbered LIC-{n:04d} into one folder: the second does not issue LIC-0001 again,
    nor replace the first one's files."""
    service = _service(any_world)
    first = _render_batch(any_world, out, count=2)
    second = _render_batch(any_world, out, count=2, bad=(1,))
    for batch_id in (first, second):
        for line in service.pending(batch_id):
            assert service.produce(batch_id, line, "worker") == "done"
    with service.uow(write=False) as uow:
        numbers = [item.number for b in (first, second) for item in uow.batches.lines(b)]
    assert numbers == ["LIC-0001", "LIC-0002", None, "LIC-0003"]
    assert sorted(p.name for p in (out / first).iterdir()) == ["000001-LIC-0001.html", "000002-LIC-0002.html"]
    assert sorted(p.name for p in (out / second).iterdir()) == ["000002-LIC-0003.html"]


def test_resuming_a_line_refused_at_submission_never_renders_it_under_the_datas_own_number(
    any_world: World, out: Path
) -> None:
    service = _service(any_world)
    batch_id = _render_batch(any_world, out, count=2, bad=(2,))
    assert service.resume(any_world["admin"], batch_id, failed=True) == [1, 2]
    assert service.produce(batch_id, 2, "worker") == "failed"
    with service.uow(write=False) as uow:
        line = uow.batches.line(batch_id, 2)
    assert line is not None and line.number is None and line.failure is not None
    assert "жаңа топтамада" in line.failure["kk"] and "новом пакете" in line.failure["ru"]
    assert _renderer(any_world).made == []


def test_an_applicant_may_not_have_a_providers_key_sign_a_batch_of_their_data(
    world: World, out: Path
) -> None:
    with pytest.raises(NotAllowed):
        _service(world).submit_render(world["dala"], "license", _lines(1), out=out, fmt="pdf", sign=PROVIDER)
    with pytest.raises(NotAllowed):  # another provider's clerk neither
        _service(world).submit_render(
            world["clerk-almaty-region-agriculture"], "license", _lines(1), out=out, sign=PROVIDER
        )


def test_a_number_template_that_cannot_format_or_is_too_long_is_refused_in_words(
    world: World, out: Path
) -> None:
    for template in ("LIC-{n.x}", "LIC-{n:>999999999}", "LIC-{m}", "LIC-" + "X" * 80 + "{n}"):
        with pytest.raises(InvalidData):
            _service(world).submit_render(world["admin"], "license", _lines(1), out=out, number=template)


def test_a_worker_retried_in_the_same_process_takes_its_own_line_again(any_world: World, out: Path) -> None:
    """Recording the result failed (the database away for a moment) and the task is retried in the
    same worker process: the line is its own, not "held" by someone else for the lease."""
    service = _service(any_world)
    batch_id = _render_batch(any_world, out, count=1)
    with service.uow() as uow:
        assert uow.batches.claim(batch_id, 1, "worker-a", service.clock.now(), service.clock.now())
        uow.commit()
    assert service.produce(batch_id, 1, "worker-b") == "held"
    assert service.produce(batch_id, 1, "worker-a") == "done"


def test_another_users_batch_is_as_unknown_as_a_missing_one(world: World, out: Path) -> None:
    """Its settings, submitter and failure reasons are the submitter's, an administrator's and the
    provider's clerk's to see; an applicant or another provider's clerk neither reads nor resumes it."""
    service = _service(world)
    batch_id = service.submit_render(
        world["clerk-mtc-communications-committee"], "license", _lines(2), out=out, sign=PROVIDER
    )
    for outsider in (world["dala"], world["clerk-almaty-region-agriculture"]):
        with pytest.raises(BatchNotFound):
            service.status(outsider, batch_id)
        with pytest.raises(BatchNotFound):
            service.resume(outsider, batch_id, failed=True)
        assert [found.batch.id for found in service.all(outsider)] == []
    for insider in (world["admin"], world["clerk-mtc-communications-committee"]):
        assert service.status(insider, batch_id).batch.id == batch_id
        assert [found.batch.id for found in service.all(insider)] == [batch_id]


def test_only_the_providers_own_clerk_starts_its_bulk_reissue(world: World) -> None:
    with pytest.raises(NotAllowed):
        _service(world).submit_reissue(world["clerk-almaty-region-agriculture"], PROVIDER)
    with pytest.raises(NotAllowed):
        _service(world).submit_reissue(world["dala"], PROVIDER)
