"""A batch through real Celery workers on the local Redis: a worker killed mid-batch loses nothing,
and no line is made twice.

200 numbered license lines (HTML, so the test times the queue and not WeasyPrint) are submitted with
``docgen batch submit``; a ``celery -A docgen.worker worker`` takes them, is killed with SIGKILL (with
its whole process group, as a machine that dies) after some lines are done; another worker is
started, picks up the rest and, once the lease is over, the line the dead one was making. Every line
must then be done exactly once: one file each, under the number reserved for it, numbers 1..200
without a gap. Its own Redis database (11) and queue name, so parallel runs do not meet. Without
Redis the test is skipped, except under CI where it fails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.bootstrap import build
from docgen.config import load
from docgen.documents import get_kind
from docgen.services.batches import file_name

pytestmark = pytest.mark.slow

REDIS = ("127.0.0.1", 6379)
LINES = 200
LEASE = 6
VENV_BIN = Path(sys.executable).parent


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_queue() -> Iterator[str]:
    if not _redis_answers():
        message = f"no Redis on {REDIS[0]}:{REDIS[1]}: the Celery batch test needs one"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    queue = f"docgen-test-{uuid.uuid4().hex[:10]}"
    yield queue
    import redis

    client = redis.Redis(host=REDIS[0], port=REDIS[1], db=11)
    client.delete(queue)
    client.close()


def _env(tmp_path: Path, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return env | {
        "DOCGEN_INSTANCE_DIR": str(tmp_path / "instance"),
        "DOCGEN_BATCH_BROKER": f"redis://{REDIS[0]}:{REDIS[1]}/11",
        "DOCGEN_BATCH_QUEUE": queue,
        "DOCGEN_BATCH_LEASE": str(LEASE),
        "DOCGEN_USER_PASSWORD": "a long test password",
    }


def _docgen(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "docgen"), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        str(VENV_BIN / "celery"),
        "-A",
        "docgen.worker",
        "worker",
        "--pool",
        "solo",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-l",
        "info",
    ]
    with log.open("ab") as output:
        return subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def test_a_worker_killed_mid_batch_loses_nothing_and_makes_nothing_twice(
    tmp_path: Path, redis_queue: str
) -> None:
    env = _env(tmp_path, redis_queue)
    _docgen(env, "db", "upgrade")
    _docgen(env, "user", "add", "ops", "--role", "admin", "--name", "Operations")
    data = get_kind("license").example()
    source = tmp_path / "licenses.jsonl"
    source.write_text("\n".join(json.dumps(data, ensure_ascii=False) for _ in range(LINES)) + "\n")
    out = tmp_path / "shared"
    template = "LIC-T-{n:06d}"
    submitted = _docgen(
        env, "batch", "submit", "render", "license", str(source), "--as", "ops", "--out", str(out),
        "--format", "html", "--number", template,
    )  # fmt: skip
    batch_id = submitted.splitlines()[0].strip()
    app = build(load(env))
    assert app.batches is not None
    ops = app.users.acting_as("ops")
    log = tmp_path / "workers.log"
    first = _worker(env, redis_queue, log)
    second = None
    try:
        deadline = time.monotonic() + 60
        while app.batches.status(ops, batch_id).counts.get("done", 0) < 40:
            assert time.monotonic() < deadline and first.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
        _stop(first)
        done_when_killed = app.batches.status(ops, batch_id).counts.get("done", 0)
        assert done_when_killed < LINES, "the worker finished before it could be killed"
        second = _worker(env, redis_queue, log)
        deadline = time.monotonic() + 75
        while (status := app.batches.status(ops, batch_id)).finished < LINES:
            assert time.monotonic() < deadline, (status.counts, log.read_text()[-3000:])
            time.sleep(0.5)
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    with app.batches.uow(write=False) as uow:
        lines = uow.batches.lines(batch_id)
    app.engine.dispose()
    assert status.counts == {"done": LINES}
    assert [item.number for item in lines] == [template.format(n=n) for n in range(1, LINES + 1)]
    files = sorted(path.name for path in (out / batch_id).iterdir() if not path.name.startswith("."))
    assert files == sorted(file_name(item.line, item.number, "html") for item in lines)
    for item in lines[:: LINES // 10]:
        assert str(item.number) in (out / batch_id / file_name(item.line, item.number, "html")).read_text()
    retried = [item for item in lines if item.attempts > 1]
    assert len(retried) <= 1, [(item.line, item.attempts) for item in retried]  # only the line in flight
    assert {item.worker.rsplit(":", 2)[1] for item in lines if item.worker} == {
        str(first.pid),
        str(second.pid),
    }
