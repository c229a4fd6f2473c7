"""Batch throughput (documents per second): local processes against Celery workers on Redis.

The same batch of N license PDFs (kk, numbered from the batch's own sequence, recorded line by line
in the database exactly as ``docgen batch submit`` records them) is made three ways:

- 1 local process and 2 local processes (``docgen batch submit --local --workers N``): the time
  includes starting the processes and building each one's renderer, as a user waits for it;
- 2 Celery workers (``celery -A docgen.worker worker --pool solo``, each one process) started as
  subprocesses on the local Redis and warmed by a two-line batch first: from sending the messages to
  the last line recorded.

A fresh SQLite instance in a temporary folder, or ``DATABASE_URL`` when set. Its own Redis database
(12) and queue. Printed as a markdown table; figures depend on the machine and what else runs on it.

Run: ``make bench-batch`` or ``.venv/bin/python bench/batch_celery.py [--docs 40]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docgen.bootstrap import Application, build
from docgen.config import load
from docgen.documents import get_kind
from docgen.worker import produce_locally, send_lines

VENV_BIN = Path(sys.executable).parent
BROKER = "redis://127.0.0.1:6379/12"


def _submit(app: Application, source: list[tuple[int, bytes]], out: Path) -> str:
    assert app.batches is not None
    admin = app.users.acting_as("bench")
    return app.batches.submit_render(
        admin, "license", source, out=out, fmt="pdf", lang="kk", number="LIC-BENCH-{n:06d}"
    )


def _wait(app: Application, batch_id: str, timeout: float) -> None:
    assert app.batches is not None
    deadline = time.monotonic() + timeout
    while (
        status := app.batches.status(app.users.acting_as("bench"), batch_id)
    ).finished < status.batch.total:
        if time.monotonic() > deadline:
            raise SystemExit(f"batch {batch_id} not finished: {status.counts}")
        time.sleep(0.05)
    if status.counts.get("failed"):
        raise SystemExit(f"batch {batch_id}: {status.counts}, {status.failed[0].failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40, help="license PDFs per batch")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="docgen-bench-batch-"))
    queue = f"docgen-bench-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ) | {
        "DOCGEN_INSTANCE_DIR": str(folder / "instance"),
        "DOCGEN_BATCH_BROKER": BROKER,
        "DOCGEN_BATCH_QUEUE": queue,
    }
    os.environ.update(env)  # the local processes build their application from the environment
    app = build(load(env))
    app.upgrade()
    app.users.add("bench password, not a secret", login="bench", role="admin", name="Bench")
    line = json.dumps(get_kind("license").example(), ensure_ascii=False).encode()
    source = [(n, line) for n in range(1, args.docs + 1)]
    assert app.batches is not None

    rows: list[tuple[str, str]] = []
    for workers in (1, 2):
        batch_id = _submit(app, source, folder / f"local{workers}")
        started = time.perf_counter()
        produce_locally(batch_id, app.batches.pending(batch_id), workers)
        seconds = time.perf_counter() - started
        _wait(app, batch_id, 1)
        rows.append(
            (f"{args.docs} license PDFs, {workers} local process(es): docs/s", f"{args.docs / seconds:.2f}")
        )

    log = folder / "workers.log"
    command = [
        str(VENV_BIN / "celery"), "-A", "docgen.worker", "worker", "--pool", "solo", "-Q", queue,
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning",
    ]  # fmt: skip
    workers_started = []
    try:
        with log.open("ab") as output:
            for _ in range(2):
                workers_started.append(
                    subprocess.Popen(
                        command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
                    )
                )
        warm = _submit(app, source[:4], folder / "warm")
        send_lines(app.settings, warm, app.batches.pending(warm))
        _wait(app, warm, 120)
        batch_id = _submit(app, source, folder / "celery")
        started = time.perf_counter()
        send_lines(app.settings, batch_id, app.batches.pending(batch_id))
        _wait(app, batch_id, 600)
        seconds = time.perf_counter() - started
        rows.append(
            (f"{args.docs} license PDFs, 2 Celery workers (Redis): docs/s", f"{args.docs / seconds:.2f}")
        )
    finally:
        for worker in workers_started:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
        import redis

        client = redis.Redis.from_url(BROKER)
        client.delete(queue)
        client.close()
        app.engine.dispose()

    rows.append(("CPUs (os.cpu_count)", str(os.cpu_count())))
    rows.append(
        ("machine", f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}")
    )
    rows.append(("database", "PostgreSQL" if app.settings.database_url else "SQLite"))
    print("| measure | value |")
    print("|---|---|")
    for measure, value in rows:
        print(f"| {measure} | {value} |")


if __name__ == "__main__":
    main()
