"""Reads answered while 20 processes issue documents on one SQLite database (measured, never asserted).

In a temporary folder: a SQLite database migrated and filled as ``docgen demo`` does (state-database
records, the demo PKI, the demo users); N portal requests carried to *registered* as an applicant
does it (filed, submitted, paid through the sandbox gateway's signed callback, signed with the demo
PKI's key). Then W worker processes - each building its own application with
``docgen.bootstrap.build``, as the CLI and a web worker do, warmed by one render - issue them as the
clerk, while this process keeps reading: ``queries.show`` of a request (as its applicant) and
``queries.queue`` (as the clerk), each read's latency recorded. The same reads are timed first with
nothing issuing, for comparison.

Readers open reading units of work (``uow(write=False)``): on SQLite a deferred ``BEGIN`` under
``PRAGMA query_only`` in WAL mode, which takes no write lock, so they should not wait behind the
issuing transactions (which hold the write lock while they number, render, sign and store).

Prints one table. Run: ``make bench-reads`` or
``.venv/bin/python bench/reads_while_issuing.py [--requests 60] [--workers 20] [--pause-ms 10]``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import machine, percentile

from docgen.config import Settings, SigningSettings, load

SERVICE = "telecom-license"
APPLICANT = "120340001230"  # «Дала Телеком»: a demo user whose key the demo PKI holds
CLERK = "clerk-mtc-communications-committee"


def settings_in(folder: Path) -> Settings:
    """The defaults (not this shell's environment), with everything kept in ``folder``."""
    return replace(
        load({}),
        database_url=f"sqlite:///{folder / 'docgen.sqlite3'}",
        instance_dir=folder / "instance",
        signing=SigningSettings(pki_dir=folder / "pki"),
    )


def quiet() -> None:
    import logging

    # pyHanko logs each failed check with a traceback; as in the CLI, results speak for themselves.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


def demo(settings: Settings) -> Any:
    """``docgen demo``: schema, state-database records, demo PKI, demo users; the application."""
    from docgen.bootstrap import build
    from docgen.demo import DEMO_PASSWORD, demo_users, ensure_pki, seed_people

    app = build(settings)
    app.upgrade()
    seed_people(app.engine, app.catalog)
    ensure_pki(settings.signing.pki_dir, app.catalog)
    known = {existing.login for existing in app.users.list()}
    for user in demo_users(app.catalog):
        if user.login not in known:
            app.users.add(DEMO_PASSWORD, **user.fields())
    return app


def registered(app: Any, settings: Settings, count: int) -> list[str]:
    """``count`` portal requests filed, submitted, paid and signed by the applicant: registered."""
    from docgen.signing.request_signature import sign_request

    applicant = app.users.acting_as(APPLICANT)
    key = (settings.signing.pki_dir / "applicants" / f"{APPLICANT}.p12").read_bytes()
    data = app.requests.intake_example(SERVICE)
    ids = []
    for _ in range(count):
        request_id = app.requests.new(applicant, SERVICE, "issue", "portal", data)
        if app.requests.submit(applicant, request_id) == "awaiting-payment":
            payload, signature = app.gateway.pay(app.requests.order_payment(applicant, request_id))
            app.requests.payment_callback(payload, signature)
        signed = sign_request(app.requests.payload(applicant, request_id), key, b"demo")
        state = app.requests.sign(applicant, request_id, signed)
        if state != "registered":
            raise SystemExit(f"request {request_id} is {state}, not registered")
        ids.append(request_id)
    return ids


def issuer(settings: Settings, tasks: Any, results: Any, ready: Any, go: Any) -> None:
    """One worker process: its own application, warmed by one render, then issue until no task is left."""
    quiet()
    from docgen.bootstrap import build
    from docgen.errors import DocgenError

    app = build(settings)
    clerk = app.users.acting_as(CLERK)
    warm(app)
    ready.put(os.getpid())
    decision = app.requests.decision_example(SERVICE, "issue")  # the clerk's decision: the example
    go.wait()
    while True:
        request_id = tasks.get()
        if request_id is None:
            break
        started = time.perf_counter()
        try:
            outcome = app.requests.issue(clerk, request_id, decision) or "-"
        except DocgenError as error:
            outcome = f"refused: {error.code}"
        except Exception as error:  # e.g. SQLite's "database is locked" after the busy timeout
            outcome = f"failed: {str(error).strip().splitlines()[0]}"
        results.put((request_id, outcome, time.perf_counter() - started, time.time()))
    app.engine.dispose()


def warm(app: Any) -> None:
    """One license rendered and signed by the application's own renderer and signer, as a long-lived
    worker has done before its next document (fonts, stylesheets, templates, the parsed key)."""
    from docgen.documents import get_kind

    issuer = app.requests.issuer
    provider = app.catalog.get(SERVICE).provider_code
    issuer.signers.official(provider)
    issuer.signers.sign(
        provider, issuer.renderer.render("license", get_kind("license").example(), "kk+ru", "pdf")
    )


class Reads:
    """The reads a front end makes, timed one by one."""

    def __init__(self, app: Any, request_ids: list[str]) -> None:
        self.app = app
        self.ids = request_ids
        self.applicant = app.users.acting_as(APPLICANT)
        self.clerk = app.users.acting_as(CLERK)
        self.turn = 0
        self.times: dict[str, list[float]] = {"show": [], "queue": []}

    def once(self) -> None:
        self.turn += 1
        if self.turn % 2:
            request_id = self.ids[(self.turn // 2) % len(self.ids)]
            started = time.perf_counter()
            self.app.queries.show(self.applicant, request_id)
            self.times["show"].append(time.perf_counter() - started)
        else:
            started = time.perf_counter()
            self.app.queries.queue(self.clerk)
            self.times["queue"].append(time.perf_counter() - started)

    def all(self) -> list[float]:
        return self.times["show"] + self.times["queue"]


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    ms = [value * 1000 for value in values]
    return f"{statistics.median(ms):.1f} / {percentile(ms, 0.95):.1f} / {max(ms):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="registered requests to issue")
    parser.add_argument("--workers", type=int, default=20, help="issuing processes")
    parser.add_argument("--pause-ms", type=float, default=10.0, help="pause between two reads")
    parser.add_argument("--baseline", type=int, default=200, help="reads timed before issuing")
    args = parser.parse_args()
    quiet()
    pause = args.pause_ms / 1000

    with tempfile.TemporaryDirectory(prefix="docgen-bench-reads-") as folder:
        settings = settings_in(Path(folder))
        started = time.perf_counter()
        app = demo(settings)
        request_ids = registered(app, settings, args.requests)
        prepared = time.perf_counter() - started

        reads = Reads(app, request_ids)
        for _ in range(20):  # warm: connections, statement caches
            reads.once()
        reads.times = {"show": [], "queue": []}
        for _ in range(args.baseline):
            reads.once()
            time.sleep(pause)
        idle = {kind: list(times) for kind, times in reads.times.items()}
        reads.times = {"show": [], "queue": []}

        context = multiprocessing.get_context("spawn")
        tasks, results, ready = context.Queue(), context.Queue(), context.Queue()
        go = context.Event()
        for request_id in request_ids:
            tasks.put(request_id)
        for _ in range(args.workers):
            tasks.put(None)
        workers = [
            context.Process(target=issuer, args=(settings, tasks, results, ready, go))
            for _ in range(args.workers)
        ]
        spawn_started = time.perf_counter()
        for worker in workers:
            worker.start()
        for _ in workers:
            ready.get(timeout=600)
        spawned = time.perf_counter() - spawn_started

        outcomes: list[tuple[str, str, float, float]] = []
        issuing_started = time.time()
        go.set()
        while len(outcomes) < len(request_ids) and any(worker.is_alive() for worker in workers):
            reads.once()
            while not results.empty():
                outcomes.append(results.get())
            if pause:
                time.sleep(pause)
        while not results.empty():
            outcomes.append(results.get())
        issuing = max((finished for *_, finished in outcomes), default=time.time()) - issuing_started
        for worker in workers:
            worker.join(120)
        busy = reads.times
        app.engine.dispose()

    issued = [number for _, number, _, _ in outcomes if number.startswith("LIC-")]
    failed = [outcome for _, outcome, _, _ in outcomes if outcome.startswith("failed: ")]
    refused = len(outcomes) - len(issued) - len(failed)
    sequence = sorted(int(number.rsplit("-", 1)[1]) for number in issued)
    gapless = sequence == list(range(1, len(issued) + 1))  # also unique
    rows = [
        ("requests registered before the run (s to prepare)", f"{len(request_ids)} ({prepared:.1f} s)"),
        ("issuing processes (s to start and warm)", f"{args.workers} ({spawned:.1f} s)"),
        (
            "documents issued / refused / failed (numbers unique, gapless)",
            f"{len(issued)} / {refused} / {len(failed)} ({'yes' if gapless else 'NO'})",
        ),
        ("issuing: wall s, docs/s", f"{issuing:.1f}, {len(issued) / issuing:.2f}"),
        (
            "one issue, with its wait for the write lock: p50 / p95 / max ms",
            summary([spent for _, _, spent, _ in outcomes]),
        ),
        (
            f"reads while issuing (pause {args.pause_ms:g} ms): count",
            f"{len(busy['show']) + len(busy['queue'])}",
        ),
        ("  show (applicant): p50 / p95 / max ms", summary(busy["show"])),
        ("  queue (clerk): p50 / p95 / max ms", summary(busy["queue"])),
        ("  all reads: p50 / p95 / max ms", summary(busy["show"] + busy["queue"])),
        ("reads with nothing issuing: count", f"{len(idle['show']) + len(idle['queue'])}"),
        ("  show (applicant): p50 / p95 / max ms", summary(idle["show"])),
        ("  queue (clerk): p50 / p95 / max ms", summary(idle["queue"])),
    ]
    for reason in sorted(set(failed)):
        print(f"{failed.count(reason)} issue(s) {reason}")
    print(f"machine: {machine()}")
    print(f"SQLite {_sqlite_version()}, WAL; {args.workers} issuing processes, 1 reading process")
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()
