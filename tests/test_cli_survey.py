"""``docgen survey``: the link, an answer once, the indicators as files, from a script."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import decode_qr, pdf_text

DOCGEN = [sys.executable, "-m", "docgen.cli"]


@pytest.mark.slow
def test_a_script_gets_the_link_answers_once_and_exports_the_indicators(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'docgen.sqlite3'}",
        "DOCGEN_PKI_DIR": str(tmp_path / "pki"),
        "DOCGEN_BASE_URL": "https://e-gov.example.kz",
    }

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*DOCGEN, *args], capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == code, f"{args}: {result.stdout} {result.stderr}"
        return result

    run("db", "upgrade")
    made = json.loads(run("demo", "--requests", "--json").stdout)["requests"]
    portal = next(r for r in made if r["state"] == "issued" and r["channel"] == "portal")
    undecided = next(r for r in made if r["state"] not in ("issued", "refused"))

    link = run("survey", "link", portal["id"], "--as", portal["filed_by"]).stdout.strip()
    assert link.startswith("https://e-gov.example.kz/survey/")
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43
    assert run("survey", "link", portal["id"], "--as", portal["filed_by"]).stdout.strip() == link

    refused = run("survey", "link", undecided["id"], "--as", undecided["filed_by"], code=2).stderr
    assert "Анкета доступна только после выдачи результата" in refused

    run("survey", "answer", token, "--q1", "3", "--q2", "2")
    again = run("survey", "answer", token, "--q1", "1", "--q2", "1", code=2).stderr
    assert "уже заполнена" in again and "жауап берілген" in again
    guessed = run("survey", "answer", token[:-2] + "xy", "--q1", "1", "--q2", "1", code=2).stderr
    assert "не найдена" in guessed

    admin = ("--as", "admin")
    out = tmp_path / "report"
    run("survey", "report", "--format", "json", "--out", f"{out}.json", *admin)
    loaded = json.loads(Path(f"{out}.json").read_text(encoding="utf-8"))
    assert loaded["total"]["answers"] == 1
    assert loaded["total"]["q1"]["3"] == {"count": 1, "share": 100.0}
    assert loaded["total"]["decided"] >= 1

    run("survey", "report", "--format", "csv", "--lang", "ru", "--out", f"{out}.csv", *admin)
    rows = list(csv.reader(io.StringIO(Path(f"{out}.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Код услуги" and rows[-1][1] == "Итого" and rows[-1][3] == "1"

    run("survey", "report", "--format", "pdf", "--lang", "kk", "--out", f"{out}.pdf", *admin)
    text = pdf_text(Path(f"{out}.pdf").read_bytes())
    assert "Барлығы 1 " in text and "(100%)" in text
    for name in (portal["filed_by"], token):
        assert name not in text and name not in Path(f"{out}.json").read_text(encoding="utf-8")

    centre = next((r for r in made if r["state"] in ("issued", "refused") and r["channel"] == "centre"), None)
    assert centre is not None, "the demo requests carry one through a centre to its result"
    operator = ("--as", centre["filed_by"])
    centre_link = run("survey", "link", centre["id"], *operator).stdout.strip()
    slip = tmp_path / "invitation.pdf"
    run("survey", "invitation", centre["id"], "--lang", "ru", "--out", str(slip), *operator)
    assert decode_qr(slip.read_bytes()) == [centre_link]
    assert "Приглашение к анкетированию".upper() in pdf_text(slip.read_bytes()).upper()
    refused = run("survey", "invitation", centre["id"], "--out", str(tmp_path / "x.pdf"), *admin, code=2)
    assert not (tmp_path / "x.pdf").exists() and refused.stderr.strip()
