"""The fast tier really is fast: a request carried to its license on the in-memory fakes loads no
database driver, no PDF engine and no signing library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import json, sys
from tests import fakes
from tests.services.world import make_world
database = fakes.MemoryDatabase()
world = make_world(database, lambda: 0)
request_id, number = world.licensed()
world.app.documents.download(world["dala"], number, "docx", "ru")
heavy = ("sqlalchemy", "weasyprint", "pyhanko", "cryptography", "psycopg")
print(json.dumps({"number": number, "loaded": [name for name in heavy if name in sys.modules]}))
"""


def test_the_use_cases_run_without_a_database_a_pdf_engine_or_a_pki() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["number"] == "LIC-MTCCOMCOM-2026-000001"
    assert report["loaded"] == []
