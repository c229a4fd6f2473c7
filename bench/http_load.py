"""Issuing through the web front end under gunicorn, with reads meanwhile (measured, never asserted).

A busy licensing day: several clerks issue licenses on one server while the public checks documents.
In a temporary folder this makes an installation (SQLite; PostgreSQL when ``DATABASE_URL`` is given:
its tables are used as they are, so give it an empty database), fills it as ``docgen demo`` does
(state-database records, demo PKI, demo users) and carries N portal requests of the telecom license
to *registered* through the service layer, as the applicant does (filed, paid through the sandbox
gateway's signed callback, signed with the demo PKI's key). One more is issued there, for the reader.

Then it starts gunicorn (2 workers, ``docgen.web:create_app()``, the production command of the
README) on 127.0.0.1 at a free port, and each clerk - a client of its own with its own session, as a
clerk's browser is: signed in once, then the request page's form with its CSRF token - issues licenses
with the issue button (``POST /clerk/requests/<id>/issue``, the service's example decision: numbered,
rendered kk+ru, signed PAdES B-T, stored, with the license's annex). 1, 2, then 4 clerks at once; the
concurrency where throughput stops rising (the fewest clerks reaching 90 % of the best throughput) is
the saturating one. Meanwhile one more
client reads at a modest rate (``--read-rate``): the issued request's page as its clerk, and the
public verification page of its license (``/verify/<number>?h=…``, the QR code's address).

The rate limits count per address and every client here is 127.0.0.1, so the server runs with them
off (``RATELIMIT_ENABLED=False``, counted in memory otherwise: a dictionary look-up per request).

Bounded: at most ``--requests`` issues in all and ``--seconds`` of load; only 127.0.0.1 is ever
contacted. Prints one markdown table. Run: ``make bench-http`` or
``.venv/bin/python bench/http_load.py [--requests 84] [--seconds 240] [--threads 4] [--read-rate 4]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import machine, percentile

sys.path.insert(0, str(Path(__file__).resolve().parent))

HOST = "127.0.0.1"
SERVICE = "telecom-license"
CLERK = "clerk-mtc-communications-committee"
LEVELS = (1, 2, 4)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Refused(SystemExit):
    pass


# -- the installation -----------------------------------------------------------------------------


def environment(folder: Path, database_url: str | None) -> dict[str, str]:
    """The server's environment: everything in ``folder``, keys of its own, the demo password file."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DOCGEN_NCANODE_URL", "DOCGEN_SMTP_URL", "DOCGEN_TSA", "REDIS_URL")
    }
    return env | {
        # given explicitly, so the server's first start makes no demo of its own (startup.py)
        "DATABASE_URL": database_url or f"sqlite:///{folder / 'docgen.sqlite3'}",
        "DOCGEN_INSTANCE_DIR": str(folder / "instance"),
        "DOCGEN_PKI_DIR": str(folder / "pki"),
        "DOCGEN_AUDIT_KEY": secrets.token_hex(16),
        "DOCGEN_PAYMENT_SECRET": secrets.token_hex(16),
        "DOCGEN_SECRET_KEY": secrets.token_hex(32),
    }


@dataclass
class Prepared:
    pending: list[str]
    """Registered requests, waiting for the clerk's decision."""
    read_request: str
    """An issued request, for the reader."""
    verify_path: str
    """The QR code's address of its license."""
    decision: dict[str, Any]


def prepare(env: dict[str, str], count: int) -> Prepared:
    from reads_while_issuing import demo, registered

    from docgen.config import load
    from docgen.domain.fingerprint import fingerprint

    settings = load(env)
    app = demo(settings)
    ids = registered(app, settings, count + 1)
    clerk = app.users.acting_as(CLERK)
    decision = app.requests.decision_example(SERVICE, "issue")
    number = app.requests.issue(clerk, ids[0], decision or None)
    assert number
    with app.requests.uow(write=False) as uow:
        document = uow.documents.by_number(number)
        assert document is not None
        h = fingerprint(document.data)
    app.engine.dispose()
    path = f"/verify/{urllib.parse.quote(number, safe='')}?h={h}"
    return Prepared(ids[1:], ids[0], path, decision)


# -- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "120",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    command.append("docgen.web:create_app(RATELIMIT_ENABLED=False)")
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer in 120 s")


# -- a client: one browser --------------------------------------------------------------------------


class Browser:
    """One person's browser: a keep-alive connection to 127.0.0.1 and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=120)

    def call(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Language": "ru"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the worker closed the kept-alive connection (sync workers close after each response)
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def sign_in(self, login: str, password: str) -> str:
        """Sign in; the CSRF token of the session (the same for every form of it)."""
        status, page = self.call("GET", "/sign-in")
        token = _CSRF.search(page)
        assert status == 200 and token, status
        status, _ = self.call(
            "POST", "/sign-in", {"login": login, "password": password, "csrf_token": token[1]}
        )
        if status != 302:
            raise SystemExit(f"sign-in as {login} answered {status}")
        status, page = self.call("GET", "/clerk/")
        token = _CSRF.search(page)
        assert status == 200 and token, status
        return token[1]


# -- the load -------------------------------------------------------------------------------------


@dataclass
class Timings:
    issue: list[float] = field(default_factory=list)
    request_page: list[float] = field(default_factory=list)
    verify_page: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def clerk_loop(
    browser: Browser, token: str, queue: list[str], decision: str, timings: Timings, stop: float
) -> None:
    """One clerk, signed in: issue the next request of ``queue`` until it is empty or time is up."""
    while time.monotonic() < stop:
        with timings.lock:
            if not queue:
                return
            request_id = queue.pop()
        started = time.perf_counter()
        status, page = browser.call(
            "POST", f"/clerk/requests/{request_id}/issue", {"decision": decision, "csrf_token": token}
        )
        took = time.perf_counter() - started
        with timings.lock:
            if status == 302:
                timings.issue.append(took)
            else:
                timings.errors.append(f"issue {request_id}: {status} {page[:200]!r}")


def reader_loop(
    browser: Browser, prepared: Prepared, rate: float, timings: Timings, done: threading.Event
) -> None:
    """The clerk's page of an issued request and its license's verification page, in turn."""
    page = f"/clerk/requests/{prepared.read_request}"
    turn = 0
    while not done.is_set():
        turn += 1
        path, into = (page, timings.request_page) if turn % 2 else (prepared.verify_path, timings.verify_page)
        started = time.perf_counter()
        status, text = browser.call("GET", path)
        took = time.perf_counter() - started
        with timings.lock:
            if status == 200:
                into.append(took)
            else:
                timings.errors.append(f"read {path}: {status} {text[:200]!r}")
        done.wait(max(0.0, 1 / rate - took))


def level(
    port: int, clerks: int, queue: list[str], budget: int, prepared: Prepared, stop: float, rate: float
) -> tuple[Timings, float]:
    """``clerks`` clerks issue ``budget`` requests of ``queue`` while the reader reads. Everyone signs in
    first (Argon2, once a session), outside the measured time."""
    from docgen.demo import DEMO_PASSWORD

    timings = Timings()
    mine = [queue.pop() for _ in range(min(budget, len(queue)))]
    decision = json.dumps(prepared.decision, ensure_ascii=False)
    done = threading.Event()
    reading = Browser(port)
    reading.sign_in(CLERK, DEMO_PASSWORD)
    signed_in = []
    for _ in range(clerks):
        browser = Browser(port)
        signed_in.append((browser, browser.sign_in(CLERK, DEMO_PASSWORD)))
    reader = threading.Thread(target=reader_loop, args=(reading, prepared, rate, timings, done), daemon=True)
    threads = [
        threading.Thread(target=clerk_loop, args=(browser, token, mine, decision, timings, stop), daemon=True)
        for browser, token in signed_in
    ]
    reader.start()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    done.set()
    reader.join()
    return timings, seconds


def p95(values: list[float]) -> str:
    return f"{percentile(values, 0.95) * 1000:.0f}" if values else "-"


def figures(values: list[float]) -> str:
    if not values:
        return "-"
    ms = [v * 1000 for v in values]
    return f"{statistics.median(ms):.0f} / {percentile(ms, 0.95):.0f} / {max(ms):.0f} (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=HOST, help="only 127.0.0.1 is accepted")
    parser.add_argument("--requests", type=int, default=84, help="issues in all, at most (default 84)")
    parser.add_argument("--seconds", type=float, default=300, help="seconds of load, at most (default 300)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker: >1 runs gthread workers")
    parser.add_argument("--read-rate", type=float, default=4.0, help="reads per second (default 4)")
    args = parser.parse_args()
    if args.host != HOST:
        raise Refused(f"this load goes to {HOST} only, not {args.host}")
    if args.requests > 1000 or args.seconds > 1800:
        raise Refused("bounded: at most 1000 requests and 1800 seconds")

    import logging

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    warmup = 2 * args.workers
    per_level = {c: max(2 * c, (args.requests - warmup) * c // sum(LEVELS)) for c in LEVELS}
    with tempfile.TemporaryDirectory(prefix="docgen-http-") as name:
        folder = Path(name)
        env = environment(folder, os.environ.get("DATABASE_URL"))
        backend = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        print(f"preparing {args.requests} registered requests on {backend} ...", file=sys.stderr)
        prepared = prepare(env, warmup + sum(per_level.values()))
        port = free_port()
        server = start_gunicorn(env, port, args.workers, args.threads, folder / "gunicorn.log")
        try:
            stop = time.monotonic() + args.seconds
            queue = list(prepared.pending)
            # each worker imports the renderer and builds its fonts on its first document: not measured
            level(port, args.workers, queue, warmup, prepared, stop, args.read_rate)
            results = {}
            for clerks in LEVELS:
                if time.monotonic() >= stop:
                    break
                timings, seconds = level(
                    port, clerks, queue, per_level[clerks], prepared, stop, args.read_rate
                )
                results[clerks] = (timings, seconds, len(timings.issue) / seconds)
                print(
                    f"  {clerks} clerk(s): {results[clerks][2]:.2f} issues/s, issue p95 "
                    f"{percentile(timings.issue, 0.95) * 1000 if timings.issue else 0:.0f} ms",
                    file=sys.stderr,
                )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)

    # throughput stops rising: the fewest clerks that reach 90 % of the best throughput measured
    best = max(result[2] for result in results.values())
    chosen = min(clerks for clerks, result in results.items() if result[2] >= 0.9 * best)
    timings, seconds, rate = results[chosen]
    worker = f"gthread ({args.threads} threads)" if args.threads > 1 else "sync"
    rows = [
        ("server", f"gunicorn {args.workers} workers, {worker}, {backend}"),
        (
            "throughput by clerks at once (issues/s)",
            ", ".join(f"{c}: {r[2]:.2f}" for c, r in results.items()),
        ),
        ("saturating concurrency (clerks at once)", str(chosen)),
        (
            "issue p95 / reads p95 by clerks at once (ms)",
            ", ".join(
                f"{c}: {p95(r[0].issue)} / {p95(r[0].request_page + r[0].verify_page)}"
                for c, r in results.items()
            ),
        ),
        ("issue (render kk+ru + annex, sign B-T, store): p50 / p95 / max ms", figures(timings.issue)),
        ("issue throughput at saturation (issues/s)", f"{rate:.2f}"),
        ("request page (clerk) meanwhile: p50 / p95 / max ms", figures(timings.request_page)),
        ("verification page meanwhile: p50 / p95 / max ms", figures(timings.verify_page)),
        ("reads meanwhile, both: p50 / p95 / max ms", figures(timings.request_page + timings.verify_page)),
        ("errors (all levels)", str(sum(len(r[0].errors) for r in results.values()))),
    ]
    print(f"machine: {machine(load=True)}")
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")
    for result in results.values():
        for error in result[0].errors[:3]:
            print("error:", error, file=sys.stderr)


if __name__ == "__main__":
    main()
