"""The Celery application of the batch workers: ``celery -A docgen.worker worker``.

Run it on as many machines as you like, each with the same ``DATABASE_URL`` (PostgreSQL), PKI and
``DOCGEN_BATCH_BROKER`` (or ``REDIS_URL``) as the machine that submits: a message is only "make line N
of batch B"; the batch, its lines and their results are in the database
(:mod:`docgen.services.batches`). Nothing is built when this module is imported: the Celery app on
first use of ``app`` (from the settings), the docgen application once per worker process on its first
line (:func:`application`).

Why these settings: a message is acknowledged only after its line is recorded (``acks_late``), and
given back when its worker process dies (``task_reject_on_worker_lost``); a worker holds one message at
a time (``worker_prefetch_multiplier=1``), so a killed one takes no other lines down with it; Redis
delivers an unacknowledged message again after ``visibility_timeout`` (``DOCGEN_BATCH_LEASE``, the
same figure as a line's lease in the database, after which another worker may take it over).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

    from docgen.bootstrap import Application
    from docgen.config import Settings

__all__ = ["TASK", "application", "make_celery", "produce_locally", "send_lines"]

#: The task's name, as messages carry it.
TASK = "docgen.batch_line"


def make_celery(settings: Settings) -> Celery:
    """A Celery app on the settings' broker, with the one task that makes a batch line."""
    from celery import Celery

    from docgen.errors import DocgenError

    if not settings.batch_broker:
        raise RuntimeError("no batch broker: set DOCGEN_BATCH_BROKER or REDIS_URL (redis://host:6379/0)")
    celery = Celery("docgen", broker=settings.batch_broker, set_as_current=False)
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=settings.batch_queue,
        # every restore sweep scans Redis for messages past their visibility timeout (by default one
        # sweep in ten does, ~100 s apart): a killed worker's line comes back within the lease + 10 s
        broker_transport_options={"visibility_timeout": settings.batch_lease, "unacked_restore_throttle": 1},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )

    # A line's own failure (bad data, a render error) is recorded by produce() and ends the task; what
    # reaches here is the machinery's (the database unreachable): tried again, a minute apart at most.
    @celery.task(
        name=TASK,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=(Exception,),
        dont_autoretry_for=(DocgenError,),  # an unknown batch stays unknown
        retry_backoff=True,
        retry_backoff_max=60,
        max_retries=10,
    )
    def batch_line(task: Any, batch_id: str, line: int) -> str:
        status = application().batches_service().produce(batch_id, line, _worker_name())
        if status == "held":
            # Another worker holds the line: a message given back when a pool child died arrives
            # while the dead child's claim is still fresh. Acknowledging it would leave the line
            # "running" for good, so it comes back after a while, until the line is done or its
            # lease has run out and this worker takes it over.
            raise task.retry(countdown=min(settings.batch_lease, 60), max_retries=None)
        return status

    return celery


class _Built:
    """The docgen application of this worker process, and its batch use cases."""

    def __init__(self) -> None:
        from docgen.bootstrap import build

        self.app: Application = build()

    def batches_service(self) -> Any:
        assert self.app.batches is not None
        return self.app.batches


@cache
def application() -> _Built:
    """The docgen application, built once per worker process (same settings as the CLI)."""
    return _Built()


@cache
def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def send_lines(settings: Settings, batch_id: str, lines: Iterable[int]) -> int:
    """Send one message per line to the workers; how many were sent."""
    celery = make_celery(settings)
    sent = 0
    with celery.connection_for_write() as connection, connection.Producer() as producer:
        for line in lines:
            celery.send_task(TASK, args=(batch_id, line), queue=settings.batch_queue, producer=producer)
            sent += 1
    return sent


def _produce_one(batch_id: str, line: int) -> tuple[int, str]:
    return line, application().batches_service().produce(batch_id, line, _worker_name())


def produce_locally(
    batch_id: str, lines: list[int], workers: int = 1, progress: Callable[[int], None] | None = None
) -> None:
    """Make ``lines`` of the batch in ``workers`` local processes (no broker): each process builds the
    application once, and the lines are recorded exactly as the Celery workers record them."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    if workers <= 1:
        for line in lines:
            _produce_one(batch_id, line)
            if progress:
                progress(1)
        return
    with ProcessPoolExecutor(workers) as pool:
        for future in as_completed([pool.submit(_produce_one, batch_id, line) for line in lines]):
            future.result()
            if progress:
                progress(1)


@cache
def _app() -> Celery:
    from docgen.config import load

    return make_celery(load())


def __getattr__(name: str) -> Any:
    """``app`` (what ``celery -A docgen.worker`` looks for), made on first use."""
    if name in ("app", "celery"):
        return _app()
    raise AttributeError(name)
