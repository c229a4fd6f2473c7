"""The commands that render nothing start without the heavy libraries (not a timing test).

A clerk's terminal pays every import a command makes, each time it runs: WeasyPrint alone costs about
0.4 s, pyHanko and Flask more. Each command here runs in a fresh interpreter (``click.testing``'s
runner, so the command's own output is not in the way) which then names the libraries it imported;
the ones listed must not be among them. ``bench/cold_start.py`` measures the time itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a fresh interpreter per command

HEAVY = ("weasyprint", "pyhanko", "flask", "sqlalchemy")

PROBE = """
import json, sys
from click.testing import CliRunner
from docgen.cli import main
result = CliRunner().invoke(main, json.loads(sys.argv[1]))
roots = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"exit": result.exit_code, "output": result.output[-400:], "modules": roots}))
"""


def imported(args: list[str], env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """The command's exit code, and the top-level packages imported while it ran."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["exit"] == 0, answer["output"]
    return answer["exit"], set(answer["modules"])


#: Commands that read the catalog or the PKI folder only: none of the heavy libraries.
CATALOG_COMMANDS = [
    ["--help"],
    ["request", "--help"],
    ["survey", "--help"],
    ["pki", "--help"],
    ["services"],
    ["kinds"],
    ["example", "license"],
    ["schema", "license"],
    ["lint"],
    ["deadline", "telecom-license", "issue", "--registered", "2026-03-02"],
    ["request", "grounds", "telecom-license"],
    ["request", "example", "telecom-license"],
    ["request", "schema", "telecom-license"],
    ["request", "decision-schema", "telecom-license", "issue"],
    ["request", "decision-example", "telecom-license", "issue"],
]


@pytest.mark.parametrize("args", CATALOG_COMMANDS, ids=" ".join)
def test_catalog_commands_import_no_heavy_library(args: list[str]) -> None:
    _, modules = imported(args)
    assert "docgen" in modules  # the probe did run the command
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


#: Commands that read the database: SQLAlchemy, but neither the renderer, the signer nor the web.
DATABASE_COMMANDS = [["db", "upgrade"], ["user", "list"], ["audit", "verify"]]


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=" ".join)
def test_database_commands_import_neither_renderer_signer_nor_web(args: list[str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DOCGEN_NCANODE_URL")}
    env |= {"DOCGEN_INSTANCE_DIR": str(tmp_path), "DOCGEN_AUDIT_KEY": "0" * 32}
    if args != ["db", "upgrade"]:
        imported(["db", "upgrade"], env)
    _, modules = imported(args, env)
    assert "sqlalchemy" in modules  # it did reach the database
    assert modules.isdisjoint({"weasyprint", "pyhanko", "flask"}), sorted(modules & set(HEAVY))
