"""Cold start of every ``docgen`` command that renders nothing (measured, never asserted in tests).

A clerk's terminal pays the interpreter's start and every import a command makes, each time. This
runs each command below as its own process, 5 times, and prints the median wall time, marking those
over the 0.5 s budget. The commands: ``--help`` of the program and of every group and command in the
click tree (enumerated, so a new command is timed without being listed here), and the commands that
answer from the catalog, the PKI folder or the database without rendering or signing. Those that
need a database run against a temporary instance made once (SQLite, the demo PKI and users, one
license issued through the service layer), never against this checkout's ``instance/``.

Run: ``make bench-start`` or ``.venv/bin/python bench/cold_start.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import machine  # noqa: E402 - after the path is set

BUDGET = 0.5
DOCGEN = [str(Path(sys.executable).with_name("docgen"))]
SERVICE = "telecom-license"
CLERK = "clerk-mtc-communications-committee"


def help_commands() -> list[list[str]]:
    """``--help`` of the program, and of every group and command under it."""
    import click

    from docgen.cli import main

    found: list[list[str]] = [["--help"]]

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                sub = command.commands[name]
                found.append([*path, name, "--help"])
                walk(sub, [*path, name])

    walk(main, [])
    return found


def instance(folder: Path) -> tuple[dict[str, str], str, str]:
    """A temporary installation with one license issued: its environment, the request, the license."""
    from reads_while_issuing import demo, registered, settings_in

    settings = settings_in(folder)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DOCGEN_NCANODE_URL", "DOCGEN_SMTP_URL")
    }
    env |= {
        "DATABASE_URL": settings.database_url or "",
        "DOCGEN_INSTANCE_DIR": str(settings.instance_dir),
        "DOCGEN_PKI_DIR": str(settings.signing.pki_dir),
        "DOCGEN_AUDIT_KEY": secrets.token_hex(16),
        "DOCGEN_PAYMENT_SECRET": secrets.token_hex(16),
    }
    from docgen.config import load

    settings = load(env)
    app = demo(settings)
    (request_id,) = registered(app, settings, 1)
    clerk = app.users.acting_as(CLERK)
    number = app.requests.issue(clerk, request_id, app.requests.decision_example(SERVICE, "issue") or None)
    app.engine.dispose()
    assert number
    return env, request_id, number


def quiet_commands(pki: str, request_id: str, number: str) -> list[list[str]]:
    """The commands that render nothing, with arguments that make them answer."""
    return [
        ["services"],
        ["kinds"],
        ["example", "license"],
        ["schema", "license"],
        ["deadline", SERVICE, "issue", "--registered", "2026-03-02"],
        ["lint"],
        ["request", "grounds", SERVICE],
        ["request", "example", SERVICE],
        ["request", "schema", SERVICE],
        ["request", "decision-schema", SERVICE, "issue"],
        ["request", "decision-example", SERVICE, "issue"],
        ["pki", "signers", "list", pki],
        ["db", "upgrade"],
        ["user", "list"],
        ["overdue", "--as", CLERK],
        ["request", "list", "--as", CLERK],
        ["request", "queue", "--as", CLERK],
        ["request", "show", request_id, "--as", CLERK],
        ["request", "notifications", "--as", CLERK],
        ["document", "check", number],
        ["audit", "verify"],
    ]


def timed(args: list[str], env: dict[str, str], runs: int) -> tuple[float, int]:
    """The median wall time of ``runs`` runs, and the last run's exit code."""
    times = []
    code = 0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([*DOCGEN, *args], env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        code = done.returncode
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (the median is shown)")
    parser.add_argument("--help-only", action="store_true", help="only the --help commands")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="docgen-cold-") as folder:
        env, request_id, number = instance(Path(folder))
        commands = help_commands()
        if not args.help_only:
            commands += quiet_commands(env["DOCGEN_PKI_DIR"], request_id, number)
        rows = []
        for command in commands:
            seconds, code = timed(command, env, args.runs)
            shown = " ".join(command).replace(request_id, "<id>").replace(number, "<number>")
            rows.append((shown.replace(env["DOCGEN_PKI_DIR"], "<pki>"), seconds, code))

    over = [row for row in rows if row[1] >= BUDGET]
    print(f"machine: {machine()}")
    width = max(len(name) for name, _, _ in rows) + len("docgen ")
    print(f"| {'command (median of ' + str(args.runs) + ' runs)':<{width}} | seconds | exit |")
    print(f"|{'-' * (width + 2)}|---------|------|")
    for name, seconds, code in rows:
        mark = " **over**" if seconds >= BUDGET else ""
        print(f"| {'docgen ' + name:<{width}} | {seconds:.2f}{mark} | {code} |")
    slowest = max(rows, key=lambda row: row[1])
    print(
        f"\n{len(rows)} commands; over {BUDGET} s: {len(over)}; "
        f"slowest: docgen {slowest[0]} ({slowest[1]:.2f} s)"
    )


if __name__ == "__main__":
    main()
